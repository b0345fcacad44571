/** How the account list can be ordered: by score (riskiest first), by score descending, by name. */
export const ACCOUNT_SORTS = ['score', '-score', 'name'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

/**
 * Where a page of the account list ended: the last row's sort key and account id. The key is the
 * score as Postgres prints it (exact, no float rounding) or null for an unscored account; for
 * `name` it is the name key (never null).
 */
export interface AccountCursor {
  readonly sort: AccountSort;
  readonly key: string | null;
  readonly accountId: string;
}
