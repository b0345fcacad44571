/**
 * What every Tsuzuku boundary refuses in a value, wherever it sits: strings (and object keys)
 * that Postgres or JSON cannot carry faithfully, and numbers that are not finite. One walker,
 * used by the HTTP and gRPC input boundary, by ingestion for each event, and by consumers when
 * they decode a message.
 */

/** Why a value is refused. */
export type UnsafeReason = 'nul' | 'lone_surrogate' | 'not_finite' | 'too_deep';

/** The first refused value: its path (dots and brackets, '' for the value itself) and why. */
export interface UnsafeValue {
  readonly path: string;
  readonly reason: UnsafeReason;
}

/** The message each reason is reported with, after the field path. */
export const UNSAFE_VALUE_MESSAGES: Readonly<Record<UnsafeReason, string>> = {
  nul: 'must not contain a NUL character (\\u0000)',
  lone_surrogate: 'must be valid Unicode (it holds an unpaired surrogate)',
  not_finite: 'must be a finite number',
  too_deep: 'is nested too deeply',
};

// With the u flag a paired surrogate is one code point, so only unpaired ones are category Cs.
const LONE_SURROGATE = /\p{Cs}/u;
// Without it, any surrogate: a cheap first look that almost every string passes.
const NUL_OR_SURROGATE = /[\0\ud800-\udfff]/;

/** Why a string is refused, or undefined when Postgres and JSON can carry it as it is. */
export function unsafeStringReason(text: string): UnsafeReason | undefined {
  if (!NUL_OR_SURROGATE.test(text)) return undefined;
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return undefined;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * The first unsafe string, object key or number in a JSON-like value, searched depth first.
 * Nesting deeper than `maxDepth` objects or arrays is itself refused (`too_deep`), so the walk
 * is bounded whatever the input.
 */
export function findUnsafeValue(value: unknown, maxDepth: number, path = ''): UnsafeValue | undefined {
  const steps: (string | number)[] = [];
  const reason = unsafeReasonIn(value, maxDepth, steps);
  if (reason === undefined) return undefined;
  // The steps were pushed on the way back, innermost first.
  let at = path;
  for (let i = steps.length - 1; i >= 0; i--) at = join(at, steps[i]!);
  return { path: at, reason };
}

/**
 * Why a value is refused, pushing the keys and indexes that lead to it on the way back: the
 * path is built only for a refused value, so the walk over an accepted one allocates nothing.
 */
function unsafeReasonIn(
  value: unknown,
  remaining: number,
  steps: (string | number)[],
): UnsafeReason | undefined {
  switch (typeof value) {
    case 'string':
      return unsafeStringReason(value);
    case 'number':
      return Number.isFinite(value) ? undefined : 'not_finite';
    case 'object': {
      if (value === null) return undefined;
      if (remaining <= 0) return 'too_deep';
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const reason = unsafeReasonIn(value[i], remaining - 1, steps);
          if (reason !== undefined) {
            steps.push(i);
            return reason;
          }
        }
        return undefined;
      }
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'not_finite' : undefined;
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        const reason =
          unsafeStringReason(key) ??
          unsafeReasonIn((value as Record<string, unknown>)[key], remaining - 1, steps);
        if (reason !== undefined) {
          steps.push(key);
          return reason;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The path of the first object or array nested deeper than `maxDepth` levels (as
 * `findUnsafeValue` counts them), looking at nothing else: for bodies whose values are checked
 * item by item further in, but whose depth must be bounded before anything walks them.
 */
export function findTooDeep(value: unknown, maxDepth: number, path = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (maxDepth <= 0) return path;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const found = findTooDeep(item, maxDepth - 1, join(path, key));
    if (found !== undefined) return found;
  }
  return undefined;
}
