import { CronExpressionParser } from 'cron-parser';

const DAY_MS = 86_400_000;
const INTERVAL = /^(\d+)([dhm])$/;
const INTERVAL_UNIT: Record<string, number> = { d: DAY_MS, h: 3_600_000, m: 60_000 };

/**
 * The run key of a days-before-renewal trigger when it is due: from `days` before the renewal
 * date up to the date itself; null otherwise. One run per renewal date.
 */
export function renewalTriggerKey(renewalDate: string | null, days: number, now: Date): string | null {
  if (!renewalDate) return null;
  const renewal = Date.parse(renewalDate.length === 10 ? `${renewalDate}T00:00:00Z` : renewalDate);
  if (Number.isNaN(renewal)) return null;
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  const left = Math.round((renewal - today) / DAY_MS);
  return left >= 0 && left <= days ? `renewal:${new Date(renewal).toISOString().slice(0, 10)}` : null;
}

/** Checks a schedule's `every`: an interval (90d, 12h, 30m) or a cron expression. */
export function scheduleProblem(every: string): string | null {
  const interval = INTERVAL.exec(every);
  if (interval) return Number(interval[1]) > 0 ? null : 'the interval must be positive';
  try {
    CronExpressionParser.parse(every, { tz: 'UTC' });
    return null;
  } catch (error) {
    return `is neither an interval (90d, 12h, 30m) nor a cron expression: ${(error as Error).message}`;
  }
}

/**
 * The run key of the schedule's current slot: intervals are counted from the Unix epoch, so
 * every instance agrees; a cron schedule's slot is its latest occurrence. A cron slot that began
 * before `since` (the playbook's version) is not due: a new schedule waits for its first time.
 */
export function scheduleSlotKey(every: string, now: Date, since: Date): string | null {
  const interval = INTERVAL.exec(every);
  if (interval) {
    const ms = Number(interval[1]) * INTERVAL_UNIT[interval[2]!]!;
    return `every:${every}:${Math.floor(now.getTime() / ms)}`;
  }
  const previous = CronExpressionParser.parse(every, { currentDate: now, tz: 'UTC' }).prev().toDate();
  return previous.getTime() < since.getTime() ? null : `cron:${previous.toISOString()}`;
}
