import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PlaybookRunStatus, PlaybookStepExecutedData, PlaybookTriggerType } from '@tsuzuku/contracts';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';

/** A row of playbooks.runs. */
export interface RunRow {
  id: string;
  seq: string;
  workspace_id: string;
  account_id: string;
  playbook_id: string;
  playbook_name: string;
  version: number;
  status: PlaybookRunStatus;
  trigger_type: PlaybookTriggerType;
  trigger_ref: string | null;
  trigger_key: string;
  context: Record<string, unknown>;
  current_step: string | null;
  wait_started_at: Date | null;
  next_at: Date | null;
  attempts: number;
  last_error: string | null;
  alert_resolved: boolean;
  reason: string | null;
  started_at: Date;
  finished_at: Date | null;
  correlation_id: string;
  /** The trace of the signal that started the run (null for runs started before it was kept). */
  trace_context: Record<string, string> | null;
}

/** A run to insert (holdouts are inserted finished). */
export interface NewRun {
  readonly id: string;
  readonly workspaceId: string;
  readonly accountId: string;
  readonly playbookId: string;
  readonly version: number;
  readonly playbookName: string;
  readonly status: PlaybookRunStatus;
  readonly triggerType: PlaybookTriggerType;
  readonly triggerRef: string | null;
  readonly triggerKey: string;
  readonly context: Record<string, unknown>;
  readonly currentStep: string | null;
  readonly nextAt: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceContext: Record<string, string> | null;
  readonly reason: string | null;
  readonly finishedAt: string | null;
}

/** The state of a run after a tick. */
export interface RunProgress {
  readonly id: string;
  readonly status: PlaybookRunStatus;
  readonly currentStep: string | null;
  readonly waitStartedAt: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAt: string | null;
  readonly reason: string | null;
  readonly finishedAt: string | null;
}

/** A step execution to record. */
export interface NewStepExecution {
  readonly runId: string;
  readonly stepId: string;
  readonly stepType: string;
  readonly key: string;
  readonly outcome: PlaybookStepExecutedData['outcome'];
  readonly attempts: number;
  readonly detail: string | null;
}

/** A recorded step execution. */
export interface StepExecutionRow {
  run_id: string;
  step_id: string;
  outcome: string;
  attempts: number;
  detail: string | null;
  executed_at: Date;
}

/** The filters of a run page; absent ones do not filter. */
export interface RunPageFilter {
  readonly accountId?: string;
  readonly playbookId?: string;
  readonly status?: PlaybookRunStatus;
  readonly beforeSeq?: string;
  readonly limit: number;
}

/** The columns a tick reads of the runs it claims. */
const DUE_RUN_COLUMNS = [
  'id',
  'workspace_id',
  'account_id',
  'playbook_id',
  'version',
  'playbook_name',
  'status',
  'trigger_type',
  'trigger_ref',
  'context',
  'current_step',
  'wait_started_at',
  'attempts',
  'alert_resolved',
  'correlation_id',
  'trace_context',
  'started_at',
] as const;

/** A run claimed by a tick. */
export type DueRun = Pick<RunRow, (typeof DUE_RUN_COLUMNS)[number]>;

type Key = { readonly workspaceId: string; readonly accountId: string };

const SQL = defineStatements('playbooks.runs', {
  insertMany: `
    INSERT INTO playbooks.runs (id, workspace_id, account_id, playbook_id, version, playbook_name, status, trigger_type,
      trigger_ref, trigger_key, context, current_step, next_at, correlation_id, causation_id, trace_context, reason, started_at,
      finished_at, updated_at)
    SELECT r.id, r."workspaceId", r."accountId", r."playbookId", r.version, r."playbookName", r.status, r."triggerType",
      r."triggerRef", r."triggerKey", r.context, r."currentStep", r."nextAt", r."correlationId", r."causationId",
      r."traceContext", r.reason, $2, r."finishedAt", $2
    FROM ${recordset({
      id: 'uuid',
      workspaceId: 'text',
      accountId: 'text',
      playbookId: 'uuid',
      version: 'int',
      playbookName: 'text',
      status: 'text',
      triggerType: 'text',
      triggerRef: 'text',
      triggerKey: 'text',
      context: 'jsonb',
      currentStep: 'text',
      nextAt: 'timestamptz',
      correlationId: 'text',
      causationId: 'text',
      traceContext: 'jsonb',
      reason: 'text',
      finishedAt: 'timestamptz',
    })}
    ON CONFLICT DO NOTHING RETURNING id`,
  usedTriggerKeys: `
    SELECT r.playbook_id, r.account_id, r.trigger_key FROM playbooks.runs r
    JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS k(playbook_id, account_id, trigger_key)
      USING (playbook_id, account_id, trigger_key)`,
  claimDue: `
    SELECT ${DUE_RUN_COLUMNS.join(', ')}
    FROM playbooks.runs WHERE status = 'running' AND next_at <= $1
    ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
  updateProgress: `
    UPDATE playbooks.runs AS t SET status = r.status, current_step = r."currentStep", wait_started_at = r."waitStartedAt",
      attempts = r.attempts, last_error = r."lastError", next_at = r."nextAt", reason = r.reason,
      finished_at = r."finishedAt", updated_at = $2
    FROM ${recordset({
      id: 'uuid',
      status: 'text',
      currentStep: 'text',
      waitStartedAt: 'timestamptz',
      attempts: 'int',
      lastError: 'text',
      nextAt: 'timestamptz',
      reason: 'text',
      finishedAt: 'timestamptz',
    })}
    WHERE t.id = r.id`,
  exitRunningOfAccounts: `
    UPDATE playbooks.runs r SET status = 'exited', reason = $3, next_at = NULL, finished_at = $4, updated_at = $4
    FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
    WHERE r.workspace_id = k.workspace_id AND r.account_id = k.account_id AND r.status = 'running'
    RETURNING r.*`,
  markAlertResolved: `
    UPDATE playbooks.runs r SET alert_resolved = true, next_at = $3
    FROM unnest($1::text[], $2::text[]) AS k(workspace_id, alert_id)
    WHERE r.workspace_id = k.workspace_id AND r.trigger_ref = k.alert_id AND r.trigger_type = 'alert_raised'
      AND r.status = 'running'`,
  wakeWaitingOfAccounts: `
    UPDATE playbooks.runs r SET next_at = $3 FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
    WHERE r.workspace_id = k.workspace_id AND r.account_id = k.account_id AND r.status = 'running'
      AND r.wait_started_at IS NOT NULL AND (r.next_at IS NULL OR r.next_at > $3)`,
  wakeWaitingRun: `UPDATE playbooks.runs SET next_at = $2 WHERE id = $1 AND status = 'running' AND wait_started_at IS NOT NULL`,
  correlationOf: `SELECT correlation_id FROM playbooks.runs WHERE id = $1`,
  byId: `SELECT * FROM playbooks.runs WHERE workspace_id = $1 AND id::text = $2`,
  byIdForUpdate: `SELECT * FROM playbooks.runs WHERE workspace_id = $1 AND id::text = $2 FOR UPDATE`,
  cancel: `UPDATE playbooks.runs SET status = 'cancelled', reason = $2, next_at = NULL, finished_at = $3, updated_at = $3 WHERE id = $1`,
  // Every filter is optional: a null parameter does not filter.
  page: `
    SELECT * FROM playbooks.runs
    WHERE workspace_id = $1
      AND ($2::text IS NULL OR account_id = $2)
      AND ($3::text IS NULL OR playbook_id::text = $3)
      AND ($4::text IS NULL OR status = $4)
      AND ($5::bigint IS NULL OR seq < $5::bigint)
    ORDER BY seq DESC LIMIT $6`,
  insertStepExecutions: `
    INSERT INTO playbooks.step_executions (run_id, step_id, step_type, idempotency_key, outcome, attempts, detail, executed_at)
    SELECT r."runId", r."stepId", r."stepType", r.key, r.outcome, r.attempts, r.detail, $2
    FROM ${recordset({
      runId: 'uuid',
      stepId: 'text',
      stepType: 'text',
      key: 'text',
      outcome: 'text',
      attempts: 'int',
      detail: 'text',
    })}`,
  stepExecutionsOfRuns: `
    SELECT run_id, step_id, outcome, attempts, detail, executed_at FROM playbooks.step_executions
    WHERE run_id = ANY($1::uuid[])`,
});

const sortedKeys = (keys: readonly Key[]): Key[] =>
  [...keys].sort((a, b) =>
    `${a.workspaceId}\u0000${a.accountId}` < `${b.workspaceId}\u0000${b.accountId}` ? -1 : 1,
  );

/** Playbook runs (playbooks.runs) and their step executions (playbooks.step_executions). */
@Injectable()
export class RunRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts runs; one refused by a unique index (trigger used, run under way) is skipped. Answers the ids inserted. */
  async insertMany(m: EntityManager, runs: readonly NewRun[], now: Date): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const rows: { id: string }[] = await m.query(SQL.insertMany, [recordsetParam(runs), now.toISOString()]);
    return new Set(rows.map((r) => r.id));
  }

  /** Which of these (playbook, account, trigger key) occurrences already have a run, as `playbook\0account\0key`. */
  async usedTriggerKeys(
    m: EntityManager,
    keys: readonly { playbookId: string; accountId: string; triggerKey: string }[],
  ): Promise<Set<string>> {
    const rows: { playbook_id: string; account_id: string; trigger_key: string }[] = await m.query(
      SQL.usedTriggerKeys,
      [keys.map((k) => k.playbookId), keys.map((k) => k.accountId), keys.map((k) => k.triggerKey)],
    );
    return new Set(rows.map((u) => `${u.playbook_id}\u0000${u.account_id}\u0000${u.trigger_key}`));
  }

  /** Locks and answers up to `limit` running runs due at `now` (skipping rows another instance holds). */
  async claimDue(m: EntityManager, now: Date, limit: number): Promise<DueRun[]> {
    return m.query(SQL.claimDue, [now.toISOString(), limit]);
  }

  async updateProgress(m: EntityManager, runs: readonly RunProgress[], now: Date): Promise<void> {
    if (runs.length > 0) await m.query(SQL.updateProgress, [recordsetParam(runs), now.toISOString()]);
  }

  /** Ends the running runs of these accounts as exited with `reason`; answers them. */
  async exitRunningOfAccounts(
    m: EntityManager,
    accounts: readonly Key[],
    reason: string,
    now: Date,
  ): Promise<RunRow[]> {
    if (accounts.length === 0) return [];
    // Sorted, so two transactions lock the rows in the same order.
    const sorted = sortedKeys(accounts);
    return returnedRows<RunRow>(
      await m.query(SQL.exitRunningOfAccounts, [
        sorted.map((a) => a.workspaceId),
        sorted.map((a) => a.accountId),
        reason,
        now.toISOString(),
      ]),
    );
  }

  /** The running runs these alerts started learn that the alert is resolved, and look again now. */
  async markAlertResolved(
    m: EntityManager,
    resolved: readonly { workspaceId: string; alertId: string }[],
    now: Date,
  ): Promise<void> {
    if (resolved.length === 0) return;
    await m.query(SQL.markAlertResolved, [
      resolved.map((r) => r.workspaceId),
      resolved.map((r) => r.alertId),
      now.toISOString(),
    ]);
  }

  /** Waiting runs of these accounts look again now: what they wait for, or an exit, may have come. */
  async wakeWaitingOfAccounts(m: EntityManager, accounts: readonly Key[], now: Date): Promise<void> {
    if (accounts.length === 0) return;
    const sorted = sortedKeys(accounts);
    await m.query(SQL.wakeWaitingOfAccounts, [
      sorted.map((a) => a.workspaceId),
      sorted.map((a) => a.accountId),
      now.toISOString(),
    ]);
  }

  /** A run waiting (on a task) looks again now. */
  async wakeWaitingRun(m: EntityManager, runId: string, now: Date): Promise<void> {
    await m.query(SQL.wakeWaitingRun, [runId, now]);
  }

  async correlationOf(m: EntityManager, runId: string): Promise<string | null> {
    const [row]: { correlation_id: string }[] = await m.query(SQL.correlationOf, [runId]);
    return row?.correlation_id ?? null;
  }

  async find(workspaceId: string, id: string): Promise<RunRow | null> {
    const [row]: RunRow[] = await this.dataSource.query(SQL.byId, [workspaceId, id]);
    return row ?? null;
  }

  async findForUpdate(m: EntityManager, workspaceId: string, id: string): Promise<RunRow | null> {
    const [row]: RunRow[] = await m.query(SQL.byIdForUpdate, [workspaceId, id]);
    return row ?? null;
  }

  async cancel(m: EntityManager, runId: string, why: string, now: Date): Promise<void> {
    await m.query(SQL.cancel, [runId, why, now]);
  }

  /** A workspace's runs, newest first. */
  async page(workspaceId: string, f: RunPageFilter): Promise<RunRow[]> {
    return this.dataSource.query(SQL.page, [
      workspaceId,
      f.accountId ?? null,
      f.playbookId ?? null,
      f.status ?? null,
      f.beforeSeq ?? null,
      f.limit,
    ]);
  }

  async insertStepExecutions(
    m: EntityManager,
    executions: readonly NewStepExecution[],
    now: Date,
  ): Promise<void> {
    if (executions.length > 0)
      await m.query(SQL.insertStepExecutions, [recordsetParam(executions), now.toISOString()]);
  }

  async stepExecutionsOf(
    runIds: readonly string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<StepExecutionRow[]> {
    return m.query(SQL.stepExecutionsOfRuns, [runIds]);
  }
}
