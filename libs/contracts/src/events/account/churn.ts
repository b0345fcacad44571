/** Why alerts, runs and tasks of a churned account were closed: the same word in every API. */
export const ACCOUNT_CHURNED_REASON = 'account_churned';

/**
 * Whether an account (as account.updated describes it) has churned: no active subscription,
 * i.e. a known MRR of 0 (`Subscription Cancelled` sets it to 0). An unknown MRR (null) is not
 * churn; a later MRR above 0 (a new subscription) reactivates the account.
 */
export function isChurnedAccount(account: { readonly mrr: number | null }): boolean {
  return account.mrr !== null && account.mrr <= 0;
}
