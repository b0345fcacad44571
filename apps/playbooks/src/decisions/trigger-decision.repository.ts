import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PlaybookTriggerType } from '@tsuzuku/contracts';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { TriggerOutcome } from '../playbooks/domain/trigger-gate';

/** How long trigger decisions are kept. */
export const TRIGGER_DECISION_RETENTION_DAYS = 90;

/** One decision about one trigger, as recorded. */
export interface TriggerDecision {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly playbookId: string;
  readonly playbookName: string;
  readonly triggerType: PlaybookTriggerType;
  readonly triggerRef: string | null;
  readonly triggerKey: string;
  readonly outcome: TriggerOutcome;
  readonly detail: string | null;
  readonly runId: string | null;
  readonly triggeredAt: string;
}

/** A trigger parked until its account's profile is known. */
export interface PendingTrigger {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly playbookId: string;
  readonly triggerType: PlaybookTriggerType;
  readonly triggerRef: string | null;
  readonly triggerKey: string;
  readonly context: Record<string, unknown>;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly triggeredAt: string;
  readonly waitingSince: string;
  readonly waitUntil: string;
}

export interface DecisionRow {
  seq: string;
  workspace_id: string;
  account_id: string;
  playbook_id: string;
  playbook_name: string;
  trigger_type: string;
  trigger_ref: string | null;
  trigger_key: string;
  outcome: TriggerOutcome;
  detail: string | null;
  run_id: string | null;
  triggered_at: Date;
  decided_at: Date;
}

interface PendingRow {
  workspace_id: string;
  account_id: string;
  playbook_id: string;
  trigger_type: PlaybookTriggerType;
  trigger_ref: string | null;
  trigger_key: string;
  context: Record<string, unknown>;
  correlation_id: string;
  causation_id: string | null;
  triggered_at: Date;
  waiting_since: Date;
  wait_until: Date;
}

const pendingOf = (r: PendingRow): PendingTrigger => ({
  workspaceId: r.workspace_id,
  accountId: r.account_id,
  playbookId: r.playbook_id,
  triggerType: r.trigger_type,
  triggerRef: r.trigger_ref,
  triggerKey: r.trigger_key,
  context: r.context,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  triggeredAt: r.triggered_at.toISOString(),
  waitingSince: r.waiting_since.toISOString(),
  waitUntil: r.wait_until.toISOString(),
});

const SQL = defineStatements('playbooks.trigger_decisions', {
  record: `
    INSERT INTO playbooks.trigger_decisions (workspace_id, account_id, playbook_id, playbook_name, trigger_type, trigger_ref,
      trigger_key, outcome, detail, run_id, triggered_at, decided_at)
    SELECT r."workspaceId", r."accountId", r."playbookId",
      coalesce(nullif(r."playbookName", ''), (SELECT p.name FROM playbooks.playbooks p WHERE p.id = r."playbookId"), ''),
      r."triggerType", r."triggerRef", r."triggerKey",
      r.outcome, r.detail, r."runId", r."triggeredAt", $2
    FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      playbookId: 'uuid',
      playbookName: 'text',
      triggerType: 'text',
      triggerRef: 'text',
      triggerKey: 'text',
      outcome: 'text',
      detail: 'text',
      runId: 'uuid',
      triggeredAt: 'timestamptz',
    })}
    ON CONFLICT DO NOTHING`,
  park: `
    INSERT INTO playbooks.pending_triggers (workspace_id, account_id, playbook_id, trigger_type, trigger_ref, trigger_key,
      context, correlation_id, causation_id, triggered_at, waiting_since, wait_until)
    SELECT r."workspaceId", r."accountId", r."playbookId", r."triggerType", r."triggerRef", r."triggerKey", r.context,
      r."correlationId", r."causationId", r."triggeredAt", r."waitingSince", r."waitUntil"
    FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      playbookId: 'uuid',
      triggerType: 'text',
      triggerRef: 'text',
      triggerKey: 'text',
      context: 'jsonb',
      correlationId: 'text',
      causationId: 'text',
      triggeredAt: 'timestamptz',
      waitingSince: 'timestamptz',
      waitUntil: 'timestamptz',
    })}
    ON CONFLICT DO NOTHING`,
  takeProfiled: `
    DELETE FROM playbooks.pending_triggers p USING unnest($1::text[], $2::text[]) AS k(workspace_id, account_id),
      playbooks.accounts a
    WHERE p.workspace_id = k.workspace_id AND p.account_id = k.account_id
      AND a.workspace_id = p.workspace_id AND a.account_id = p.account_id AND a.profile_at IS NOT NULL
    RETURNING p.*`,
  takeExpired: `
    DELETE FROM playbooks.pending_triggers p WHERE (p.playbook_id, p.account_id, p.trigger_key) IN (
      SELECT playbook_id, account_id, trigger_key FROM playbooks.pending_triggers WHERE wait_until <= $1
      ORDER BY wait_until LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING p.*`,
  prune: `DELETE FROM playbooks.trigger_decisions WHERE decided_at < $1`,
  // Every filter is optional: a null parameter does not filter.
  page: `
    SELECT * FROM playbooks.trigger_decisions
    WHERE workspace_id = $1
      AND ($2::text IS NULL OR account_id = $2)
      AND ($3::text IS NULL OR playbook_id::text = $3)
      AND ($4::text IS NULL OR outcome = $4)
      AND ($5::bigint IS NULL OR seq < $5::bigint)
    ORDER BY seq DESC LIMIT $6`,
});

/** Trigger decisions (playbooks.trigger_decisions) and parked triggers (playbooks.pending_triggers). */
@Injectable()
export class TriggerDecisionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records decisions; the same outcome for the same trigger occurrence is recorded once. An
   * empty playbookName is filled in from the playbook.
   */
  async record(m: EntityManager, decisions: readonly TriggerDecision[], now: Date): Promise<void> {
    if (decisions.length === 0) return;
    await m.query(SQL.record, [recordsetParam(decisions), now.toISOString()]);
  }

  /** Parks triggers; one already parked for the same occurrence keeps its first wait. */
  async park(m: EntityManager, pending: readonly PendingTrigger[]): Promise<void> {
    if (pending.length === 0) return;
    await m.query(SQL.park, [recordsetParam(pending)]);
  }

  /** Takes (deletes and returns) the parked triggers of these accounts once they have a profile. */
  async takeProfiled(
    m: EntityManager,
    accounts: readonly { workspaceId: string; accountId: string }[],
  ): Promise<PendingTrigger[]> {
    if (accounts.length === 0) return [];
    const rows = returnedRows<PendingRow>(
      await m.query(SQL.takeProfiled, [accounts.map((a) => a.workspaceId), accounts.map((a) => a.accountId)]),
    );
    return rows.map(pendingOf);
  }

  /** Takes parked triggers whose wait is over (skipping rows another instance holds). */
  async takeExpired(m: EntityManager, now: Date, limit: number): Promise<PendingTrigger[]> {
    const rows = returnedRows<PendingRow>(await m.query(SQL.takeExpired, [now.toISOString(), limit]));
    return rows.map(pendingOf);
  }

  /** Drops decisions made before `before` (the sweep keeps TRIGGER_DECISION_RETENTION_DAYS). */
  async prune(before: Date): Promise<void> {
    await this.dataSource.query(SQL.prune, [before.toISOString()]);
  }

  /** A workspace's decisions, newest first, optionally of one account, playbook or outcome. */
  async list(
    workspaceId: string,
    filter: {
      readonly accountId?: string;
      readonly playbookId?: string;
      readonly outcome?: TriggerOutcome;
      readonly beforeSeq?: string;
      readonly limit: number;
    },
  ): Promise<DecisionRow[]> {
    return this.dataSource.query(SQL.page, [
      workspaceId,
      filter.accountId ?? null,
      filter.playbookId ?? null,
      filter.outcome ?? null,
      filter.beforeSeq ?? null,
      filter.limit,
    ]);
  }
}
