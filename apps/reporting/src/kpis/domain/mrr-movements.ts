/**
 * An account's MRR over time and its movements, from its subscription events. Amounts are
 * integers (millionths of the reporting currency), so sums and differences are exact.
 */

export const SUBSCRIPTION_EVENT_KINDS = ['started', 'changed', 'renewed', 'cancelled'] as const;
export type SubscriptionEventKind = (typeof SUBSCRIPTION_EVENT_KINDS)[number];

/** One Subscription Started / Changed / Renewed / Cancelled event, its MRR converted. */
export interface SubscriptionEvent {
  readonly eventId: string;
  readonly subscriptionId: string;
  readonly kind: SubscriptionEventKind;
  /** Event time, epoch milliseconds. */
  readonly at: number;
  /** MRR in millionths of the reporting currency; not read for a cancellation. */
  readonly mrr: number;
}

export const MOVEMENT_TYPES = ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/** One change of the account's MRR from `from` to `to`. */
export interface MrrMovement {
  readonly at: number;
  readonly type: MovementType;
  /** Always positive: n for new and reactivation, n - p, p - n, p for churn. */
  readonly amount: number;
  readonly from: number;
  readonly to: number;
  /** The last event of the instant, which made the change. */
  readonly eventId: string;
}

/**
 * Classifies a change of MRR from p to n (p ≠ n); `hadMrrBefore` is whether the account ever
 * had MRR above 0 before this change.
 */
export function classifyMovement(
  p: number,
  n: number,
  hadMrrBefore: boolean,
): { type: MovementType; amount: number } {
  if (p === n) throw new Error('an unchanged MRR is not a movement');
  if (p < 0 || n < 0) throw new Error('MRR cannot be negative');
  if (p === 0) return { type: hadMrrBefore ? 'reactivation' : 'new', amount: n };
  if (n === 0) return { type: 'churn', amount: p };
  return n > p ? { type: 'expansion', amount: n - p } : { type: 'contraction', amount: p - n };
}

/** Order of events: event time, then event id, so that a replay orders ties the same way. */
export function compareSubscriptionEvents(a: SubscriptionEvent, b: SubscriptionEvent): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * The movements of one account. Its MRR at an instant is the sum, over its subscriptions, of the
 * MRR of the latest Started / Changed / Renewed event at or before the instant (0 after a
 * Cancelled); events of one instant take effect together, so they make at most one movement.
 */
export function mrrMovements(events: readonly SubscriptionEvent[]): MrrMovement[] {
  const sorted = [...events].sort(compareSubscriptionEvents);
  const bySubscription = new Map<string, number>();
  const movements: MrrMovement[] = [];
  let current = 0;
  let hadMrr = false;
  for (let i = 0; i < sorted.length;) {
    const at = sorted[i]!.at;
    let last = sorted[i]!;
    for (; i < sorted.length && sorted[i]!.at === at; i++) {
      last = sorted[i]!;
      bySubscription.set(last.subscriptionId, last.kind === 'cancelled' ? 0 : last.mrr);
    }
    let next = 0;
    for (const mrr of bySubscription.values()) next += mrr;
    if (next !== current) {
      const { type, amount } = classifyMovement(current, next, hadMrr);
      movements.push({ at, type, amount, from: current, to: next, eventId: last.eventId });
      current = next;
    }
    if (current > 0) hadMrr = true;
  }
  return movements;
}
