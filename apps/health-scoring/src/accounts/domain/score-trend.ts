/** One point of an account's score history. */
export interface ScorePoint {
  readonly at: Date;
  /** The score in effect from that moment; null while the account had no score. */
  readonly score: number | null;
}

export interface HealthTrends {
  /** Score now minus the score in effect 7 days ago; null when unknown. */
  readonly trend7d: number | null;
  readonly trend30d: number | null;
}

export const TREND_DAYS = [7, 30] as const;
const DAY_MS = 86_400_000;

/** The point in effect at a time: the latest one at or before it; undefined when history is younger. */
export function pointInEffectAt(points: readonly ScorePoint[], at: Date): ScorePoint | undefined {
  let best: ScorePoint | undefined;
  for (const point of points)
    if (point.at.getTime() <= at.getTime() && (!best || point.at.getTime() >= best.at.getTime()))
      best = point;
  return best;
}

/**
 * How much the score moved over `days`: the current score minus the one in effect then, to one
 * decimal. Null when either is unknown, including when the history does not reach that far back.
 */
export function scoreTrend(
  current: number | null,
  points: readonly ScorePoint[],
  now: Date,
  days: number,
): number | null {
  if (current === null) return null;
  const then = pointInEffectAt(points, new Date(now.getTime() - days * DAY_MS));
  if (!then || then.score === null) return null;
  return Math.round((current - then.score) * 10) / 10;
}

/** The 7- and 30-day trends an account's health shows. */
export function healthTrends(current: number | null, points: readonly ScorePoint[], now: Date): HealthTrends {
  return {
    trend7d: scoreTrend(current, points, now, 7),
    trend30d: scoreTrend(current, points, now, 30),
  };
}

/** The moments whose points in effect decide the trends (the history worth loading for them). */
export function trendHorizons(now: Date): Date[] {
  return TREND_DAYS.map((days) => new Date(now.getTime() - days * DAY_MS));
}
