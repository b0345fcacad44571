import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export const API_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * A write key or API token as announced on cs.credentials.v1, keyed by its id. The secret never
 * leaves ingestion: only its SHA-256 hash travels.
 */
export interface CredentialRecord {
  readonly id: string;
  readonly kind: 'write_key' | 'api_token';
  readonly workspaceId: string;
  readonly secretHash: string;
  readonly scopes: ApiScope[];
  /** A write key's source, an API token's name. */
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const ajv = new Ajv({ allErrors: true });
addFormats(ajv);

const validate = ajv.compile({
  type: 'object',
  required: ['id', 'kind', 'workspaceId', 'secretHash', 'scopes', 'label', 'createdAt', 'revokedAt'],
  properties: {
    id: { type: 'string', minLength: 1 },
    kind: { enum: ['write_key', 'api_token'] },
    workspaceId: { type: 'string', minLength: 1 },
    secretHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    scopes: { type: 'array', items: { enum: API_SCOPES } },
    label: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
});

/** Parses and checks a credential record from a message value; undefined when it is not one. */
export function parseCredentialRecord(value: string): CredentialRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return validate(parsed) ? (parsed as CredentialRecord) : undefined;
  } catch {
    return undefined;
  }
}
