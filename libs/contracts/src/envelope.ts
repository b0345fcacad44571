/** Version of the envelope every Kafka message of Tsuzuku is wrapped in. */
export const SPEC_VERSION = 1 as const;

/** One event on a Kafka topic: metadata for routing, tracing and idempotency, plus its data. */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  readonly specVersion: typeof SPEC_VERSION;
  /** Unique id of this event; consumers deduplicate on it. */
  readonly id: string;
  readonly type: TType;
  readonly workspaceId: string;
  /** The customer account the event belongs to, null when it is not known yet. */
  readonly accountId: string | null;
  /** When it happened (event time), ISO-8601 UTC. */
  readonly occurredAt: string;
  /** When the producing service published it, ISO-8601 UTC. */
  readonly producedAt: string;
  /** The service that produced it. */
  readonly source: string;
  /** Id shared by every event caused, directly or not, by one original request. */
  readonly correlationId: string;
  /** Id of the event that directly caused this one, null for an original. */
  readonly causationId: string | null;
  readonly data: TData;
}

/**
 * The Kafka key: all of one account's events land on one partition, in order. An event whose
 * account is not known yet is keyed by its user, so one user's events still stay in order.
 */
export function messageKey(workspaceId: string, accountId: string | null, fallback?: string | null): string {
  if (accountId) return `${workspaceId}:${accountId}`;
  if (fallback) return `${workspaceId}:~${fallback}`;
  return workspaceId;
}

export const envelopeJsonSchema = {
  type: 'object',
  required: [
    'specVersion',
    'id',
    'type',
    'workspaceId',
    'accountId',
    'occurredAt',
    'producedAt',
    'source',
    'correlationId',
    'causationId',
    'data',
  ],
  properties: {
    specVersion: { const: SPEC_VERSION },
    id: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', minLength: 1, maxLength: 100 },
    workspaceId: { type: 'string', minLength: 1, maxLength: 100 },
    accountId: { type: ['string', 'null'], minLength: 1, maxLength: 500 },
    occurredAt: { type: 'string', format: 'date-time' },
    producedAt: { type: 'string', format: 'date-time' },
    source: { type: 'string', minLength: 1 },
    correlationId: { type: 'string', minLength: 1 },
    causationId: { type: ['string', 'null'] },
    data: {},
  },
} as const;
