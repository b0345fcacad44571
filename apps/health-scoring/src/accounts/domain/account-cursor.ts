/**
 * How the account list can be ordered: by score (riskiest first), by score descending, by name,
 * by churn probability (highest first).
 */
export const ACCOUNT_SORTS = ['score', '-score', 'name', '-churnRisk'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

/**
 * Where a page of the account list ended: the last row's sort key and account id. The key is the
 * score (or the churn probability) as Postgres prints it (exact, no float rounding), or null for
 * an account without one; for `name` it is the name key (never null).
 */
export interface AccountCursor {
  readonly sort: AccountSort;
  readonly key: string | null;
  readonly accountId: string;
}
