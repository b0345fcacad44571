import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { EventEnvelope, envelopeJsonSchema } from './envelope';
import { EVENT_TYPES, EventRegistry, EventType, isEventType } from './events/registry';
import { UNSAFE_VALUE_MESSAGES, findUnsafeValue } from './safe-values';
import { MAX_DEPTH } from './segment-spec/segment-call.validator';

export interface ContractViolation {
  /**
   * Where the offending field is, '' for the whole message: a JSON pointer from the schema check,
   * the dotted path of findUnsafeValue for a value no boundary accepts (NUL, unpaired surrogate).
   */
  readonly path: string;
  readonly message: string;
}

/** Any envelope of the registry, discriminated by its type. */
export type AnyEventEnvelope = { [K in EventType]: EventEnvelope<K, EventRegistry[K]> }[EventType];

export type EnvelopeParseResult =
  | { readonly ok: true; readonly envelope: AnyEventEnvelope }
  | { readonly ok: false; readonly violations: ContractViolation[] };

const ajv = new Ajv({ allErrors: true, strict: false });
// Envelopes carry times written by Date#toISOString; the shape check of ajv-formats' fast mode
// is enough for them and costs a third of the full calendar check on every message.
addFormats(ajv, { mode: 'fast' });

/** Deepest nesting accepted in an envelope: a Segment call's limit, one level down under `data`. */
export const ENVELOPE_MAX_DEPTH = MAX_DEPTH + 1;

const validateEnvelope = ajv.compile(envelopeJsonSchema);
const dataValidators = new Map<EventType, ValidateFunction>(
  (Object.keys(EVENT_TYPES) as EventType[]).map((type) => [type, ajv.compile(EVENT_TYPES[type].dataSchema)]),
);

function toViolations(errors: ErrorObject[] | null | undefined, prefix = ''): ContractViolation[] {
  return (errors ?? []).map((e) => ({
    path: `${prefix}${e.instancePath}${e.keyword === 'required' ? `/${String(e.params['missingProperty'])}` : ''}`,
    message: e.message ?? e.keyword,
  }));
}

/**
 * Checks a value against the envelope and its event type's data schema, and refuses what no
 * boundary accepts anywhere in it (findUnsafeValue). Used by producers before sending and by
 * consumers on receipt, so both sides hold to one contract: a NUL that reached the topic by
 * another road is refused on receipt instead of failing the consumer's database write.
 */
export function checkEnvelope(value: unknown): EnvelopeParseResult {
  if (!validateEnvelope(value)) return { ok: false, violations: toViolations(validateEnvelope.errors) };
  const envelope = value as unknown as EventEnvelope;
  if (!isEventType(envelope.type)) {
    return { ok: false, violations: [{ path: '/type', message: `unknown event type "${envelope.type}"` }] };
  }
  const validateData = dataValidators.get(envelope.type)!;
  if (!validateData(envelope.data))
    return { ok: false, violations: toViolations(validateData.errors, '/data') };
  const unsafe = findUnsafeValue(value, ENVELOPE_MAX_DEPTH);
  if (unsafe)
    return { ok: false, violations: [{ path: unsafe.path, message: UNSAFE_VALUE_MESSAGES[unsafe.reason] }] };
  return { ok: true, envelope: envelope as AnyEventEnvelope };
}

/** Parses a Kafka message value (JSON bytes) and checks it. */
export function parseEnvelope(value: Buffer | string | null): EnvelopeParseResult {
  if (value === null) return { ok: false, violations: [{ path: '', message: 'message has no value' }] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, violations: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  return checkEnvelope(parsed);
}

export function describeViolations(violations: readonly ContractViolation[]): string {
  return violations.map((v) => `${v.path || '(message)'}: ${v.message}`).join('; ');
}
