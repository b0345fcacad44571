import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  defineStatements,
  notifyWorkspaceChanged,
  recordset,
  recordsetParam,
  returnedRows,
} from '@tsuzuku/platform-database';
import { TrackingPlan } from './domain/tracking-plan';

/** The name of the tracking-plan cache in tsuzuku_workspace_changed notifications. */
export const TRACKING_PLAN_CACHE = 'ingestion.tracking_plan';

/** One unmatched event name's tally from one request. */
export interface UnmatchedTally {
  readonly workspaceId: string;
  readonly name: string;
  readonly count: number;
  readonly lastSeenAt: string;
  readonly sample?: Record<string, unknown>;
}

export interface UnmatchedRow {
  readonly name: string;
  readonly count: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly sample: Record<string, unknown>;
}

const UNMATCHED_COLUMNS =
  'name, count::text AS count, first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", sample';

const SQL = defineStatements('ingestion.tracking-plan', {
  planOf: `
    SELECT plan, updated_at AS "updatedAt"
      FROM ingestion.tracking_plans
     WHERE workspace_id = $1`,
  replace: `
    INSERT INTO ingestion.tracking_plans (workspace_id, plan, updated_at)
    VALUES ($1, $2::jsonb, now())
    ON CONFLICT (workspace_id) DO UPDATE SET plan = excluded.plan, updated_at = excluded.updated_at
    RETURNING updated_at AS "updatedAt"`,
  countUnmatched: `
    INSERT INTO ingestion.unmatched_events AS u (workspace_id, name, count, first_seen_at, last_seen_at, sample)
    SELECT r."workspaceId", r.name, r.count, r."lastSeenAt", r."lastSeenAt", r.sample
      FROM ${recordset({ workspaceId: 'text', name: 'text', count: 'int8', lastSeenAt: 'timestamptz', sample: 'jsonb' })}
    ON CONFLICT (workspace_id, name) DO UPDATE SET
      count = u.count + excluded.count,
      last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at),
      sample = CASE WHEN excluded.last_seen_at >= u.last_seen_at THEN excluded.sample ELSE u.sample END`,
  unmatchedFirstPage: `
    SELECT ${UNMATCHED_COLUMNS}
      FROM ingestion.unmatched_events
     WHERE workspace_id = $1
     ORDER BY count DESC, name
     LIMIT $2`,
  unmatchedAfter: `
    SELECT ${UNMATCHED_COLUMNS}
      FROM ingestion.unmatched_events
     WHERE workspace_id = $1
       AND (count < $3::int8 OR (count = $3::int8 AND name > $4))
     ORDER BY count DESC, name
     LIMIT $2`,
});

/** ingestion.tracking_plans and ingestion.unmatched_events: the tracking plans and what matched none. */
@Injectable()
export class TrackingPlanRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async planOf(workspaceId: string): Promise<{ plan: TrackingPlan; updatedAt: Date } | undefined> {
    const [row] = returnedRows<{ plan: TrackingPlan; updatedAt: Date }>(
      await this.dataSource.query(SQL.planOf, [workspaceId]),
    );
    return row;
  }

  /** Replaces the plan and tells every replica to drop its copy, once committed. */
  async replace(workspaceId: string, plan: TrackingPlan): Promise<Date> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = returnedRows<{ updatedAt: Date }>(
        await manager.query(SQL.replace, [workspaceId, JSON.stringify(plan)]),
      );
      await notifyWorkspaceChanged(manager, TRACKING_PLAN_CACHE, workspaceId);
      return row!.updatedAt;
    });
  }

  /** Adds the tallies (at most one per workspace and name) in one statement. */
  async countUnmatched(tallies: readonly UnmatchedTally[]): Promise<void> {
    if (tallies.length === 0) return;
    await this.dataSource.query(SQL.countUnmatched, [recordsetParam(tallies)]);
  }

  /** A page of unmatched names, most counted first; `after` is the last row of the previous page. */
  async unmatched(
    workspaceId: string,
    limit: number,
    after?: { readonly count: string; readonly name: string },
  ): Promise<UnmatchedRow[]> {
    return returnedRows<UnmatchedRow>(
      after
        ? await this.dataSource.query(SQL.unmatchedAfter, [workspaceId, limit, after.count, after.name])
        : await this.dataSource.query(SQL.unmatchedFirstPage, [workspaceId, limit]),
    );
  }
}
