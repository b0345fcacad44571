/** The outcomes a backtest or a model predicts. */
export const OUTCOMES = ['churn', 'contraction', 'renewal'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A subscription event of an account, as kept in its recent events. */
export interface SubscriptionEvent {
  readonly at: string;
  readonly name: string;
  /** '' when the event named no subscription (the account's one). */
  readonly subscriptionId: string;
}

/** A point of an account's MRR. */
export interface MrrPoint {
  readonly at: string;
  readonly mrr: number;
}

/** The days (YYYY-MM-DD, UTC, in order, distinct) on which an account had each outcome. */
export type OutcomeDays = Readonly<Record<Outcome, readonly string[]>>;

/** Outcomes, and the days the account went from no subscription in force to one (first or back). */
export interface AccountOutcomes extends OutcomeDays {
  readonly subscribed: readonly string[];
}

const day = (at: string) => at.slice(0, 10);
const distinctSorted = (days: Iterable<string>) => [...new Set(days)].sort();

/**
 * An account's outcomes, from its subscription events and MRR points (any order):
 * - churn: a day on which the account went from having a subscription in force to having none
 *   (every subscription it had, each at its latest event, cancelled);
 * - contraction: a day on which its MRR went down to a value still above 0 (a fall to 0 is a churn
 *   or a free plan, not a contraction); several points of one day compare the day's last value
 *   with the value before that day;
 * - renewal: a day with a Subscription Renewed event, or the renewal date (the account's current
 *   one; earlier ones are not kept) when it has passed (`today` or before) and the account had a
 *   subscription in force on it.
 * Events on one moment apply in the order given.
 */
export function outcomeDays(
  events: readonly SubscriptionEvent[],
  mrrPoints: readonly MrrPoint[],
  renewalDate: string | null,
  today: string,
): AccountOutcomes {
  const ordered = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const inForce = new Map<string, boolean>();
  const activeSpans: { from: string; to: string | null }[] = [];
  const churn: string[] = [];
  const renewal: string[] = [];
  let active = false;
  for (const e of ordered) {
    inForce.set(e.subscriptionId, e.name !== 'Subscription Cancelled');
    const now = [...inForce.values()].some(Boolean);
    if (active && !now) {
      churn.push(day(e.at));
      activeSpans[activeSpans.length - 1] = { ...activeSpans[activeSpans.length - 1]!, to: day(e.at) };
    }
    if (!active && now) activeSpans.push({ from: day(e.at), to: null });
    active = now;
    if (e.name === 'Subscription Renewed') renewal.push(day(e.at));
  }
  if (renewalDate !== null && renewalDate <= today) {
    const on = renewalDate.slice(0, 10);
    if (activeSpans.some((s) => s.from <= on && (s.to === null || on < s.to))) renewal.push(on);
  }
  const byDay = new Map<string, number>();
  for (const p of [...mrrPoints].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)))
    byDay.set(day(p.at), p.mrr);
  const contraction: string[] = [];
  let previous: number | null = null;
  for (const [d, mrr] of byDay) {
    if (previous !== null && mrr < previous && mrr > 0) contraction.push(d);
    previous = mrr;
  }
  return {
    churn: distinctSorted(churn),
    contraction: distinctSorted(contraction),
    renewal: distinctSorted(renewal),
    subscribed: distinctSorted(activeSpans.map((s) => s.from)),
  };
}

/**
 * The churn day a timeline of the period from..to carries: the first churn in the period, or an
 * earlier churn the account had not come back from by `from` (it starts the period churned); null
 * when neither.
 */
export function churnedOnIn(outcomes: AccountOutcomes, from: string, to: string): string | null {
  for (const c of outcomes.churn) {
    if (c > to) break;
    if (c >= from) return c;
    if (!outcomes.subscribed.some((s) => s > c && s <= from)) return c;
  }
  return null;
}

/** Whether an account had a subscription in force: active, churned (had one, none now), or none known. */
export type SubscriptionState = 'active' | 'churned' | 'none';

/** The account's subscription state at the end of a day, from its subscription events up to then. */
export function subscriptionStateOn(events: readonly SubscriptionEvent[], day: string): SubscriptionState {
  const inForce = new Map<string, boolean>();
  for (const e of [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    if (e.at.slice(0, 10) > day) break;
    inForce.set(e.subscriptionId, e.name !== 'Subscription Cancelled');
  }
  if (inForce.size === 0) return 'none';
  return [...inForce.values()].some(Boolean) ? 'active' : 'churned';
}
