import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  ACCOUNT_TRAITS_SCHEMA,
  CS_EVENT_PROPERTIES,
  SEGMENT_CALL_TYPES,
  SegmentCallType,
  segmentCallSchema,
} from './segment-call.schema';
import { UNSAFE_VALUE_MESSAGES, findUnsafeValue } from '../safe-values';

/** A field that is wrong: its path in the call (dots and brackets) and what is wrong with it. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** A valid Segment call; fields beyond these are kept as sent. */
export interface SegmentCall {
  type: SegmentCallType;
  messageId?: string;
  userId?: string | null;
  anonymousId?: string | null;
  event?: string;
  name?: string;
  groupId?: string;
  previousId?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  timestamp?: string;
  sentAt?: string;
  originalTimestamp?: string;
  [extra: string]: unknown;
}

export type SegmentCallCheck = { ok: true; call: SegmentCall } | { ok: false; problems: FieldProblem[] };

/** Deepest nesting accepted anywhere in a call. */
export const MAX_DEPTH = 16;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

const callValidators = new Map<SegmentCallType, ValidateFunction>(
  SEGMENT_CALL_TYPES.map((type) => [type, ajv.compile(segmentCallSchema(type))]),
);
const csEventValidators = new Map<string, ValidateFunction>(
  Object.entries(CS_EVENT_PROPERTIES).map(([event, schema]) => [event, ajv.compile(schema)]),
);
const validateTraits = ajv.compile(ACCOUNT_TRAITS_SCHEMA);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of the first value nested deeper than MAX_DEPTH. */
export function tooDeep(value: unknown, maxDepth = MAX_DEPTH): string | null {
  const steps: string[] = [];
  if (!deeperThan(value, maxDepth, steps)) return null;
  return steps.reduceRight(
    (path, step) => (step.startsWith('[') || !path ? path + step : `${path}.${step}`),
    '',
  );
}

/**
 * Whether an object or array sits `remaining` levels below this value; the steps to it are
 * pushed on the way back, innermost first. Recursion stops at `remaining` levels, so it is
 * bounded whatever the input.
 */
function deeperThan(value: unknown, remaining: number, steps: string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (remaining === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      if (deeperThan(value[i], remaining - 1, steps)) return steps.push(`[${i}]`) > 0;
    return false;
  }
  for (const key in value)
    if (
      Object.prototype.hasOwnProperty.call(value, key) &&
      deeperThan((value as Record<string, unknown>)[key], remaining - 1, steps)
    )
      return steps.push(key) > 0;
  return false;
}

function pointerToPath(pointer: string, prefix: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = parts.reduce(
    (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    '',
  );
  return prefix && path ? `${prefix}.${path}` : prefix || path;
}

function describe(error: ErrorObject, data: Record<string, unknown>, event: string | undefined): string {
  const field = error.instancePath.split('/').pop() ?? '';
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${error.params['type'] === 'object' ? 'an object' : `a ${String(error.params['type'])}`}`;
    case 'minLength':
      return 'must not be empty';
    case 'maxLength':
      return `must be at most ${String(error.params['limit'])} characters`;
    case 'enum':
      return `must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
    case 'format':
      return error.params['format'] === 'email'
        ? 'must be an email address'
        : 'must be an ISO-8601 date-time, e.g. 2026-11-23T10:00:00Z';
    case 'pattern':
      if (field === 'renewal_date') return 'must be a date with a year from 1900 to 2999, e.g. 2027-01-31';
      if (field === 'currency') return 'must be three letters, e.g. USD';
      if (field === 'priority') return 'must be one of p1, p2, p3, p4';
      return `must match ${String(error.params['pattern'])}`;
    case 'minimum':
    case 'maximum':
      if (event === 'Survey Responded' && field === 'score') {
        return data['survey'] === 'nps'
          ? 'must be an integer from 0 to 10 for an nps survey'
          : 'must be an integer from 1 to 5 for a csat survey';
      }
      return `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(error.params['limit'])}`;
    default:
      return error.message ?? error.keyword;
  }
}

function problemsOf(
  validate: ValidateFunction,
  data: Record<string, unknown>,
  prefix: string,
  event?: string,
): FieldProblem[] {
  if (validate(data)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf')
    .map((e) => {
      const base = pointerToPath(e.instancePath, prefix);
      const path =
        e.keyword === 'required'
          ? base
            ? `${base}.${String(e.params['missingProperty'])}`
            : String(e.params['missingProperty'])
          : base;
      return { path, message: describe(e, data, event) };
    });
}

/**
 * Checks one Segment call and, for the customer-success events and group traits, its
 * properties. Every string anywhere in it (object keys included) must be free of NUL and
 * unpaired surrogates, and every number finite. `expectedType` is the endpoint's call type (a
 * body `type`, when present, must agree); without it (items of a batch) `type` is required.
 * Reports every problem.
 */
export function checkSegmentCall(value: unknown, expectedType?: SegmentCallType): SegmentCallCheck {
  if (!isObject(value)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object' }] };
  // One walk over every value, properties and traits included: what no consumer could store or
  // compute with (NUL, unpaired surrogates, non-finite numbers such as 1e400) and nesting past
  // MAX_DEPTH, which is refused before anything else walks the call.
  const unsafe = findUnsafeValue(value, MAX_DEPTH);
  if (unsafe?.reason === 'too_deep')
    return {
      ok: false,
      problems: [{ path: unsafe.path, message: `is nested more than ${MAX_DEPTH} levels deep` }],
    };

  const declared = value['type'];
  const known = (SEGMENT_CALL_TYPES as readonly unknown[]).includes(declared);
  if (expectedType && declared !== undefined && declared !== expectedType) {
    return { ok: false, problems: [{ path: 'type', message: `must be "${expectedType}" on this endpoint` }] };
  }
  if (!expectedType && !known) {
    return {
      ok: false,
      problems: [
        {
          path: 'type',
          message: declared === undefined ? 'is required' : `must be one of ${SEGMENT_CALL_TYPES.join(', ')}`,
        },
      ],
    };
  }
  const type = (expectedType ?? declared) as SegmentCallType;
  const problems = problemsOf(callValidators.get(type)!, value, '');
  if (value['userId'] == null && value['anonymousId'] == null) {
    problems.push({ path: 'userId', message: 'userId or anonymousId is required' });
  }
  if (type === 'track' && typeof value['event'] === 'string') {
    const csValidator = csEventValidators.get(value['event']);
    const properties = isObject(value['properties']) ? value['properties'] : {};
    if (csValidator) problems.push(...problemsOf(csValidator, properties, 'properties', value['event']));
  }
  if (type === 'group' && isObject(value['traits']))
    problems.push(...problemsOf(validateTraits, value['traits'], 'traits'));
  if (unsafe) {
    // Said once, in its own words: 1e400 is "not finite" rather than also "not a number".
    const unsafeProblem = { path: unsafe.path, message: UNSAFE_VALUE_MESSAGES[unsafe.reason] };
    problems.splice(0, problems.length, unsafeProblem, ...problems.filter((p) => p.path !== unsafe.path));
  }
  if (problems.length > 0) {
    // A field can fail the same rule in two schemas that both describe it; say it once.
    const seen = new Set<string>();
    return {
      ok: false,
      problems: problems.filter(
        (p) => !seen.has(`${p.path}\u0000${p.message}`) && seen.add(`${p.path}\u0000${p.message}`),
      ),
    };
  }
  return { ok: true, call: { ...value, type } as SegmentCall };
}
