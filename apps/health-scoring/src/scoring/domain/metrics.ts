import { Metric } from '../../scorecards/domain/scorecard';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One day of an account's usage (by event time). */
export interface UsageDay {
  readonly day: string;
  readonly events: number;
  readonly signIns: number;
  readonly ticketsOpened: number;
  readonly p1Opened: number;
  readonly csatSum: number;
  readonly csatCount: number;
  readonly engagementEvents: number;
  readonly outcomes: number;
}

/** What the scoring knows about an account at one moment, from which every metric is read. */
export interface AccountFacts {
  readonly seats: number | null;
  readonly days: readonly UsageDay[];
  /** Distinct active users per window length in days (7, 30, ...), ending at `asOf`. */
  readonly activeUsers: ReadonlyMap<number, number>;
  readonly lastSignInAt: Date | null;
  readonly keyFeatures: readonly string[];
  readonly featuresUsed: readonly string[];
  readonly milestones: readonly string[];
  readonly onboardingDone: readonly string[];
  /** Tickets opened in the last 30 days, open or not. */
  readonly recentTickets: readonly { readonly priority: string | null; readonly resolved: boolean }[];
  readonly latestNps: number | null;
  /** MRR points in time order. */
  readonly mrrPoints: readonly { readonly at: Date; readonly mrr: number }[];
}

/** Sums a usage column over the `days` days that end on `asOf` (inclusive). */
function windowSum(facts: AccountFacts, asOf: Date, days: number, pick: (d: UsageDay) => number): number {
  const last = asOf.toISOString().slice(0, 10);
  const first = new Date(asOf.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  let sum = 0;
  for (const d of facts.days) if (d.day >= first && d.day <= last) sum += pick(d);
  return sum;
}

/** The metrics that are one usage column summed over a window of days. */
const WINDOW_SUMS: readonly (readonly [Metric, number, (d: UsageDay) => number])[] = [
  ['sign_ins_7d', 7, (d) => d.signIns],
  ['sign_ins_30d', 30, (d) => d.signIns],
  ['engagement_events_90d', 90, (d) => d.engagementEvents],
  ['outcomes_reported_90d', 90, (d) => d.outcomes],
];

function mrrAt(points: AccountFacts['mrrPoints'], at: Date): number | null {
  let value: number | null = null;
  for (const p of points) if (p.at.getTime() <= at.getTime()) value = p.mrr;
  return value;
}

export function isP1(priority: string | null): boolean {
  return priority !== null && priority.toUpperCase() === 'P1';
}

/**
 * Every metric of an account as of `asOf`; null when there is no data for it (the measure is
 * then left out and the weights renormalised).
 */
export function metricValues(facts: AccountFacts, asOf: Date): Map<Metric, number | null> {
  const values = new Map<Metric, number | null>();
  for (const [metric, days, pick] of WINDOW_SUMS) values.set(metric, windowSum(facts, asOf, days, pick));
  const active30 = facts.activeUsers.get(30) ?? 0;
  values.set(
    'active_users_ratio_30d',
    facts.seats && facts.seats > 0 ? Math.min(1, active30 / facts.seats) : null,
  );
  values.set(
    'days_since_last_sign_in',
    facts.lastSignInAt
      ? Math.max(0, Math.floor((asOf.getTime() - facts.lastSignInAt.getTime()) / DAY_MS))
      : null,
  );
  const catalog = new Set(facts.keyFeatures);
  values.set(
    'key_features_adopted',
    catalog.size > 0 ? facts.featuresUsed.filter((f) => catalog.has(f)).length / catalog.size : null,
  );
  const milestones = new Set(facts.milestones);
  values.set(
    'onboarding_completion',
    milestones.size > 0
      ? facts.onboardingDone.filter((s) => milestones.has(s)).length / milestones.size
      : null,
  );
  values.set('open_tickets_30d', facts.recentTickets.filter((t) => !t.resolved).length);
  values.set('p1_tickets_30d', facts.recentTickets.filter((t) => isP1(t.priority)).length);
  values.set('latest_nps', facts.latestNps);
  const csatCount = windowSum(facts, asOf, 90, (d) => d.csatCount);
  values.set('avg_csat_90d', csatCount > 0 ? windowSum(facts, asOf, 90, (d) => d.csatSum) / csatCount : null);
  const now = mrrAt(facts.mrrPoints, asOf);
  const before = mrrAt(facts.mrrPoints, new Date(asOf.getTime() - 90 * DAY_MS));
  values.set(
    'mrr_change_90d',
    now === null || before === null ? null : before === 0 ? (now === 0 ? 0 : 1) : (now - before) / before,
  );
  return values;
}
