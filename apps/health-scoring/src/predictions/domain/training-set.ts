import { FeatureValue } from './logistic-regression';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An account's measure values as they stood at the end of one day (YYYY-MM-DD). */
export interface ValueSnapshot {
  readonly day: string;
  readonly values: Readonly<Record<string, number | null>>;
}

/** What is known of one account over time: its daily snapshots and, if it churned, the day. */
export interface AccountTimeline {
  readonly accountId: string;
  /** In day order. */
  readonly snapshots: readonly ValueSnapshot[];
  readonly churnedOn: string | null;
}

/** One example for training or testing: an account's features on a day, and its outcome after it. */
export interface Example {
  readonly accountId: string;
  readonly day: string;
  readonly row: FeatureValue[];
  /** Churned within the horizon after `day`. */
  readonly outcome: boolean;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The names of the features built from these measures: each value, and its change over 30 days. */
export function featureNames(measures: readonly string[]): string[] {
  return [...measures, ...measures.map((m) => `${m}:change_30d`)];
}

/** The latest snapshot taken on or before the day; nothing after it is ever read. */
export function snapshotOn(timeline: AccountTimeline, day: string): ValueSnapshot | undefined {
  let found: ValueSnapshot | undefined;
  for (const snapshot of timeline.snapshots) {
    if (snapshot.day > day) break;
    found = snapshot;
  }
  return found;
}

/**
 * The features of an account on a day, from snapshots up to that day only: each measure's value,
 * then its change since 30 days before (null where either end is unknown).
 */
export function featureRow(
  timeline: AccountTimeline,
  day: string,
  measures: readonly string[],
): FeatureValue[] {
  const now = snapshotOn(timeline, day);
  const before = snapshotOn(timeline, addDays(day, -30));
  const value = (snapshot: ValueSnapshot | undefined, measure: string): number | null => {
    const v = snapshot?.values[measure];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return [
    ...measures.map((m) => value(now, m)),
    ...measures.map((m) => {
      const a = value(now, m);
      const b = value(before, m);
      return a === null || b === null ? null : a - b;
    }),
  ];
}

/**
 * Examples for a model trained at `cutoff`: for each observation day up to cutoff − horizon, every
 * account that had not churned by that day and had a snapshot by then; the outcome is a churn
 * within the horizon after it. Observation days later than that are skipped, because their
 * outcomes are not known at the cutoff; so no fact from after the cutoff reaches the model.
 */
export function examplesAt(
  timelines: readonly AccountTimeline[],
  measures: readonly string[],
  {
    observationDays,
    horizonDays,
    cutoff,
  }: { observationDays: readonly string[]; horizonDays: number; cutoff: string },
): Example[] {
  const latestObservation = addDays(cutoff, -horizonDays);
  const examples: Example[] = [];
  for (const day of observationDays) {
    if (day > latestObservation) continue;
    const end = addDays(day, horizonDays);
    for (const timeline of timelines) {
      if (timeline.churnedOn !== null && timeline.churnedOn <= day) continue;
      if (snapshotOn(timeline, day) === undefined) continue;
      examples.push({
        accountId: timeline.accountId,
        day,
        row: featureRow(timeline, day, measures),
        outcome: timeline.churnedOn !== null && timeline.churnedOn > day && timeline.churnedOn <= end,
      });
    }
  }
  return examples;
}

/** The first day of each month from `from` to `to` (both YYYY-MM-DD), as observation days. */
export function monthStarts(from: string, to: string): string[] {
  const days: string[] = [];
  const at = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  if (at.toISOString().slice(0, 10) < from) at.setUTCMonth(at.getUTCMonth() + 1);
  while (at.toISOString().slice(0, 10) <= to) {
    days.push(at.toISOString().slice(0, 10));
    at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return days;
}
