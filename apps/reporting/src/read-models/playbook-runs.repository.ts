import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';
import { PlaybookRunFinish, PlaybookRunRef, PlaybookRunStart } from './domain/event-rows';

/** The window after a playbook run over which its outcome is judged. */
export const OUTCOME_DAYS = 90;

const sql = defineStatements('reporting.playbook-runs', {
  started: `
    INSERT INTO reporting.playbook_runs (workspace_id, run_id, playbook_id, playbook_name, account_id, started_at, holdout)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (workspace_id, run_id) DO UPDATE SET playbook_id = EXCLUDED.playbook_id,
      playbook_name = EXCLUDED.playbook_name, account_id = EXCLUDED.account_id,
      started_at = EXCLUDED.started_at, holdout = EXCLUDED.holdout`,
  finished: `
    INSERT INTO reporting.playbook_runs (workspace_id, run_id, playbook_id, playbook_name, account_id, status, finished_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (workspace_id, run_id) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
      account_id = coalesce(reporting.playbook_runs.account_id, EXCLUDED.account_id)`,
  outcomes: `
    WITH runs AS (
      SELECT r.*, (SELECT to_mrr FROM reporting.mrr_movements m
                   WHERE m.workspace_id = r.workspace_id AND m.account_id = r.account_id AND m.occurred_at <= r.started_at
                   ORDER BY m.occurred_at DESC LIMIT 1) AS mrr_start,
                  (SELECT to_mrr FROM reporting.mrr_movements m
                   WHERE m.workspace_id = r.workspace_id AND m.account_id = r.account_id
                     AND m.occurred_at <= r.started_at + interval '${OUTCOME_DAYS} days'
                   ORDER BY m.occurred_at DESC LIMIT 1) AS mrr_later,
                  r.started_at + interval '${OUTCOME_DAYS} days' <= $4 AS matured
      FROM reporting.playbook_runs r
      WHERE r.workspace_id = $1 AND r.started_at >= $2 AND r.started_at < $3
    )
    SELECT playbook_id, max(playbook_name) AS playbook_name, coalesce(holdout, false) AS holdout,
           count(*)::int AS runs, count(*) FILTER (WHERE status = 'completed')::int AS completed,
           count(*) FILTER (WHERE matured AND mrr_start > 0)::int AS judged,
           count(*) FILTER (WHERE matured AND mrr_start > 0 AND coalesce(mrr_later, 0) = 0)::int AS churned,
           coalesce(sum(mrr_start) FILTER (WHERE matured AND mrr_start > 0), 0)::text AS start_mrr,
           coalesce(sum(coalesce(mrr_later, 0)) FILTER (WHERE matured AND mrr_start > 0), 0)::text AS later_mrr
    FROM runs GROUP BY playbook_id, coalesce(holdout, false) ORDER BY playbook_id`,
});

/** Treated or holdout runs of one playbook, and the outcome of those whose window has passed. */
export interface PlaybookOutcomeRow {
  playbook_id: string;
  playbook_name: string;
  holdout: boolean;
  runs: number;
  completed: number;
  judged: number;
  churned: number;
  start_mrr: string;
  later_mrr: string;
}

/** The first five parameters of both writes. */
function runParams(r: PlaybookRunRef): unknown[] {
  return [r.workspaceId, r.runId, r.playbookId, r.playbookName, r.accountId];
}

/** Playbook runs as playbooks announced them, for the playbook outcomes report. */
@Injectable()
export class PlaybookRunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async started(m: EntityManager, r: PlaybookRunStart): Promise<void> {
    await m.query(sql.started, [...runParams(r), r.startedAt, r.holdout]);
  }

  async finished(m: EntityManager, r: PlaybookRunFinish): Promise<void> {
    await m.query(sql.finished, [...runParams(r), r.status, r.finishedAt]);
  }

  /** Runs started in [from, until), per playbook and arm; outcomes judged as of `now`. */
  outcomes(workspaceId: string, from: string, until: string, now: string): Promise<PlaybookOutcomeRow[]> {
    return this.dataSource.query(sql.outcomes, [workspaceId, from, until, now]);
  }
}
