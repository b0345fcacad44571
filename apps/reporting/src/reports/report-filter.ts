/** A slice of the accounts: each given attribute must match the account's at the end of the month. */
export interface SliceFilter {
  readonly segment?: string;
  readonly touchModel?: string;
  readonly phase?: string;
  readonly owner?: string;
}

const COLUMNS: Record<keyof SliceFilter, string> = {
  segment: 'segment',
  touchModel: 'touch_model',
  phase: 'phase',
  owner: 'owner',
};

/** SQL conditions on `alias`'s slice columns, numbering parameters from `first`. */
export function sliceConditions(
  filter: SliceFilter,
  alias: string,
  first: number,
): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const key of Object.keys(COLUMNS) as (keyof SliceFilter)[]) {
    const value = filter[key];
    if (value === undefined) continue;
    params.push(value);
    parts.push(`${alias}.${COLUMNS[key]} = $${first + params.length - 1}`);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

export const isSliced = (filter: SliceFilter): boolean => Object.values(filter).some((v) => v !== undefined);

/** The end of a month held in a date column, as a timestamptz (UTC, whatever the session's zone). */
export const monthEnd = (column: string): string => `((${column} + interval '1 month') AT TIME ZONE 'UTC')`;

/**
 * A CTE `sliced`: each attribute change of the workspace's accounts that matches the filter,
 * with the range of instants B for which it is "the attributes just before B": after its own
 * time (the first change: any earlier B too, for the earliest-known fallback) and up to the next
 * change. Joining an account and month on it keeps the accounts in the slice at that month's end.
 */
export function slicedCte(filter: SliceFilter, first: number): { sql: string; params: string[] } {
  const conditions = sliceConditions(filter, 'i', first);
  return {
    sql: `sliced AS (
      SELECT i.account_id, i.from_at, i.to_at FROM (
        SELECT account_id, coalesce(segment, '') AS segment, coalesce(touch_model, '') AS touch_model,
               coalesce(phase, '') AS phase, coalesce(owner, '') AS owner,
               CASE WHEN row_number() OVER w = 1 THEN '-infinity'::timestamptz ELSE effective_at END AS from_at,
               lead(effective_at) OVER w AS to_at
        FROM reporting.attribute_changes WHERE workspace_id = $1
        WINDOW w AS (PARTITION BY account_id ORDER BY effective_at, event_id)
      ) i WHERE true${conditions.sql}
    )`,
    params: conditions.params,
  };
}

/** Joins `sliced` to rows of `account` in `month` (a date column): the rows whose account is in the slice at the month's end. */
export const inSlice = (alias: string, account: string, month: string): string =>
  `JOIN sliced ${alias} ON ${alias}.account_id = ${account} AND ${alias}.from_at < ${monthEnd(month)}
     AND (${alias}.to_at IS NULL OR ${monthEnd(month)} <= ${alias}.to_at)`;
