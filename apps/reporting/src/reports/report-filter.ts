import type { MovementsQuery } from './dto/report-queries';
import type { MovementsOptions } from './kpi.service';

/**
 * A slice of the accounts: each given attribute must match the account's at the end of the month
 * (by event time); '' matches an account without that attribute.
 */
export interface SliceFilter {
  readonly segment?: string;
  readonly touchModel?: string;
  readonly phase?: string;
  readonly owner?: string;
  readonly plan?: string;
}

/** The slice a report query names (its unset attributes are left out). */
export const sliceOf = (q: {
  segment?: string;
  touchModel?: string;
  phase?: string;
  owner?: string;
  plan?: string;
}): SliceFilter => ({
  ...(q.segment !== undefined ? { segment: q.segment } : {}),
  ...(q.touchModel !== undefined ? { touchModel: q.touchModel } : {}),
  ...(q.phase !== undefined ? { phase: q.phase } : {}),
  ...(q.owner !== undefined ? { owner: q.owner } : {}),
  ...(q.plan !== undefined ? { plan: q.plan } : {}),
});

/** The options of KpiService.movements from a movements query (REST and gRPC alike). */
export function movementsOptionsOf(q: MovementsQuery): MovementsOptions {
  return {
    ...(q.accountId !== undefined ? { accountId: q.accountId } : {}),
    detail: q.detail ?? false,
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    filter: sliceOf(q),
  };
}

/**
 * The slice attributes that are free-text trait values (segment, owner, plan): compared without
 * regard to case, as everywhere in Tsuzuku. Touch model and phase are lower-case names already.
 */
const TRAIT_VALUES: ReadonlySet<keyof SliceFilter> = new Set(['segment', 'owner', 'plan']);

const COLUMNS: Record<keyof SliceFilter, string> = {
  segment: 'segment',
  touchModel: 'touch_model',
  phase: 'phase',
  owner: 'owner',
  plan: 'plan',
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
    const param = `$${first + params.length - 1}`;
    parts.push(
      TRAIT_VALUES.has(key)
        ? `lower(${alias}.${COLUMNS[key]}) = lower(${param})`
        : `${alias}.${COLUMNS[key]} = ${param}`,
    );
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

export const isSliced = (filter: SliceFilter): boolean => Object.values(filter).some((v) => v !== undefined);

/** The end of a month held in a date column, as a timestamptz (UTC, whatever the session's zone). */
export const monthEnd = (column: string): string => `((${column} + interval '1 month') AT TIME ZONE 'UTC')`;

/**
 * Joins rows of `account` in `month` (a date column) to the account's attribute version in effect
 * at the month's end (account_attributes, through its key: workspace, account, valid_from), keeping
 * the rows whose account matched the filter then; parameters numbered from `first`, $1 being the
 * workspace. A filter on '' (not set) also keeps accounts with no attributes at all.
 */
export function sliceJoin(
  filter: SliceFilter,
  account: string,
  month: string,
  first: number,
): { sql: string; params: string[] } {
  const conditions = sliceConditions(filter, 's', first);
  const end = monthEnd(month);
  const on = `s.workspace_id = $1 AND s.account_id = ${account} AND s.valid_from < ${end} AND ${end} <= s.valid_to`;
  if (!conditions.params.includes(''))
    return {
      sql: `JOIN reporting.account_attributes s ON ${on}${conditions.sql}`,
      params: conditions.params,
    };
  const unset = sliceConditions(filter, 'x', first);
  return {
    sql: `LEFT JOIN reporting.account_attributes s ON ${on}
      JOIN LATERAL (SELECT ${Object.values(COLUMNS)
        .map((c) => `coalesce(s.${c}, '') AS ${c}`)
        .join(', ')}) x ON true${unset.sql}`,
    params: unset.params,
  };
}
