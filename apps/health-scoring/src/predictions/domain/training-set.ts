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

/** The latest snapshot taken on or before the day; nothing after it is ever read. */
export function snapshotOn(timeline: AccountTimeline, day: string): ValueSnapshot | undefined {
  let found: ValueSnapshot | undefined;
  for (const snapshot of timeline.snapshots) {
    if (snapshot.day > day) break;
    found = snapshot;
  }
  return found;
}

const CHANGE_SUFFIX = ':change_30d';
const LOG_SUFFIX = ':log';

export interface FeatureOptions {
  /** Measures whose value enters as log(1 + value) (`<measure>:log`): counts with a long tail. */
  readonly logScaled?: readonly string[];
}

/**
 * The names of the features built from these measures: each value (`<measure>`, or
 * `<measure>:log` for the log-scaled ones), then each one's change over 30 days
 * (`<measure>:change_30d`, on the measure's own scale). A name says
 * how its value is read (featureRow), so a stored model is applied as it was trained.
 */
export function featureNames(measures: readonly string[], options: FeatureOptions = {}): string[] {
  const logScaled = new Set(options.logScaled ?? []);
  return [
    ...measures.map((m) => (logScaled.has(m) ? `${m}${LOG_SUFFIX}` : m)),
    ...measures.map((m) => `${m}${CHANGE_SUFFIX}`),
  ];
}

/** The measure a feature name reads, and how. */
export function parseFeature(feature: string): {
  readonly measure: string;
  readonly kind: 'value' | 'log' | 'change';
} {
  if (feature.endsWith(CHANGE_SUFFIX))
    return { measure: feature.slice(0, -CHANGE_SUFFIX.length), kind: 'change' };
  if (feature.endsWith(LOG_SUFFIX)) return { measure: feature.slice(0, -LOG_SUFFIX.length), kind: 'log' };
  return { measure: feature, kind: 'value' };
}

/**
 * The features of an account on a day (names from featureNames), from snapshots up to that day
 * only: a value is the latest snapshot's on or before the day (log(1 + max(0, value)) for a
 * `:log` one); a change is that value minus the one 30 days before. Null where unknown.
 */
export function featureRow(
  timeline: AccountTimeline,
  day: string,
  features: readonly string[],
): FeatureValue[] {
  const now = snapshotOn(timeline, day);
  const before = snapshotOn(timeline, addDays(day, -30));
  const value = (snapshot: ValueSnapshot | undefined, measure: string): number | null => {
    const v = snapshot?.values[measure];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return features.map((feature) => {
    const { measure, kind } = parseFeature(feature);
    const a = value(now, measure);
    if (kind === 'value') return a;
    if (kind === 'log') return a === null ? null : Math.log1p(Math.max(0, a));
    const b = value(before, measure);
    return a === null || b === null ? null : a - b;
  });
}

/**
 * Examples for a model trained at `cutoff`: for each observation day up to cutoff − horizon, every
 * account that had not churned by that day and had a snapshot by then; the outcome is a churn
 * within the horizon after it. Observation days later than that are skipped, because their
 * outcomes are not known at the cutoff; so no fact from after the cutoff reaches the model.
 */
export function examplesAt(
  timelines: readonly AccountTimeline[],
  features: readonly string[],
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
        row: featureRow(timeline, day, features),
        outcome: timeline.churnedOn !== null && timeline.churnedOn > day && timeline.churnedOn <= end,
      });
    }
  }
  return examples;
}

/**
 * Observation days every `everyDays` days back from `latest` (included) down to `from`, in
 * order: the latest one is as recent as the outcomes known allow.
 */
export function observationDays(from: string, latest: string, everyDays: number): string[] {
  const days: string[] = [];
  for (let day = latest; day >= from; day = addDays(day, -everyDays)) days.unshift(day);
  return days;
}
