import type { SubscriptionStatus } from './value';

/** Why alerts, runs and tasks of a churned account were closed: the same word in every API. */
export const ACCOUNT_CHURNED_REASON = 'account_churned';

/**
 * Whether an account (as account.updated describes it) has churned: no active subscription, i.e.
 * every subscription it had ended with Subscription Cancelled (subscriptionStatus 'ended'). An MRR
 * of 0 alone is not churn: a free trial or a free plan has an active subscription at MRR 0, and an
 * account with no subscription event is not a lost customer. A new subscription reactivates it.
 * A snapshot without subscriptionStatus (written before it existed) falls back to its MRR: a known
 * MRR of 0 is churn.
 */
export function isChurnedAccount(account: {
  readonly mrr: number | null;
  readonly subscriptionStatus?: SubscriptionStatus | null;
}): boolean {
  if (account.subscriptionStatus !== undefined && account.subscriptionStatus !== null)
    return account.subscriptionStatus === 'ended';
  return account.mrr !== null && account.mrr <= 0;
}
