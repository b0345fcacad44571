import type { Duration } from './playbook-definition';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ISO = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const PARTS = ['days', 'hours', 'minutes', 'seconds'] as const;
const UNIT: Record<(typeof PARTS)[number], number> = {
  days: DAY,
  hours: HOUR,
  minutes: MINUTE,
  seconds: SECOND,
};

/** The longest wait or due date a playbook may ask for. */
export const MAX_DURATION_MS = 3 * 365 * DAY;

/**
 * Milliseconds of a duration, or a problem: ISO-8601 with days, hours, minutes and seconds
 * (months and years have no fixed length, so they are refused), or an object of those parts.
 */
export function parseDuration(value: unknown): { ok: true; ms: number } | { ok: false; problem: string } {
  let ms: number;
  if (typeof value === 'string') {
    const match = ISO.exec(value);
    if (!match || value === 'P' || value.endsWith('T'))
      return {
        ok: false,
        problem: 'must be an ISO-8601 duration of days, hours, minutes, seconds (P7D, PT3S)',
      };
    const [, d, h, m, s] = match;
    ms = Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(m ?? 0) * MINUTE + Number(s ?? 0) * SECOND;
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    const unknown = entries.filter(([k]) => !(PARTS as readonly string[]).includes(k)).map(([k]) => k);
    if (unknown.length > 0) return { ok: false, problem: `has unknown part(s) ${unknown.join(', ')}` };
    if (entries.length === 0) return { ok: false, problem: 'needs days, hours, minutes or seconds' };
    ms = 0;
    for (const [k, v] of entries) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        return { ok: false, problem: `${k} must be a number ≥ 0` };
      ms += v * UNIT[k as (typeof PARTS)[number]];
    }
  } else {
    return { ok: false, problem: 'must be an ISO-8601 duration string or { days, hours, minutes, seconds }' };
  }
  if (ms > MAX_DURATION_MS) return { ok: false, problem: 'must be at most 3 years' };
  return { ok: true, ms: Math.round(ms) };
}

/** Milliseconds of a duration the validation already accepted. */
export function durationMs(value: Duration): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new Error(`invalid duration ${JSON.stringify(value)}: ${parsed.problem}`);
  return parsed.ms;
}
