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

export const isSliced = (filter: SliceFilter): boolean => Object.values(filter).some((v) => v !== undefined);
