import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ACCOUNT_CHURNED_REASON, AlertRuleType, AlertSeverity, AlertStatus } from '@tsuzuku/contracts';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { AccountKey, LastResolution } from './domain/alert-evaluation';
import { AlertChangeKind, AlertRecord } from './domain/alert-record';

/** Columns of alerting.alerts as an AlertRecord (timestamps as ISO strings after alertRecordOf). */
const ALERT_COLUMNS = `a.id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.rule_id AS "ruleId",
  a.rule_type AS "ruleType", a.rule_name AS "ruleName", a.severity, a.positive, a.status, a.owner, a.title,
  a.evidence, a.occurrences, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt",
  a.acknowledged_at AS "acknowledgedAt", a.snoozed_until AS "snoozedUntil", a.resolved_at AS "resolvedAt",
  a.resolution`;

const KEYS = `unnest($1::text[], $2::text[]) AS k(w, acc)`;

const SQL = defineStatements('alerting.alerts', {
  // The accounts with an alert not resolved held by the given owner of their workspace (a null
  // owner: held by nobody); owners compare without regard to case.
  accountsWithOpenHeldBy: `
    SELECT DISTINCT a.workspace_id AS "workspaceId", a.account_id AS "accountId"
    FROM alerting.alerts a
    JOIN unnest($1::text[], $2::text[]) AS f(w, owner) ON a.workspace_id = f.w
    WHERE a.status <> 'resolved' AND lower(a.owner) IS NOT DISTINCT FROM lower(f.owner)`,
  openOfAccountsForUpdate: `
    SELECT ${ALERT_COLUMNS} FROM alerting.alerts a
    JOIN ${KEYS} ON a.workspace_id = k.w AND a.account_id = k.acc
    WHERE a.status <> 'resolved' FOR UPDATE OF a`,
  // Closing a churned account's alerts starts no cooldown: a reactivated account is watched at once.
  lastResolutions: `
    SELECT DISTINCT ON (a.workspace_id, a.account_id, a.rule_id) a.workspace_id AS "workspaceId",
      a.account_id AS "accountId", a.rule_id AS "ruleId", a.resolved_at AS "resolvedAt"
    FROM alerting.alerts a
    JOIN ${KEYS} ON a.workspace_id = k.w AND a.account_id = k.acc
    WHERE a.status = 'resolved' AND a.resolution->>'reason' IS DISTINCT FROM $3
    ORDER BY a.workspace_id, a.account_id, a.rule_id, a.resolved_at DESC`,
  insertRaised: `
    INSERT INTO alerting.alerts (id, workspace_id, account_id, rule_id, rule_type, rule_name, severity, positive,
      status, owner, title, evidence, occurrences, opened_at, last_seen_at)
    SELECT r.id, r."workspaceId", r."accountId", r."ruleId", r."ruleType", r."ruleName", r.severity, r.positive,
      r.status, r.owner, r.title, r.evidence, r.occurrences, r."openedAt", r."lastSeenAt"
    FROM ${recordset({
      id: 'uuid',
      workspaceId: 'text',
      accountId: 'text',
      ruleId: 'uuid',
      ruleType: 'text',
      ruleName: 'text',
      severity: 'text',
      positive: 'boolean',
      status: 'text',
      owner: 'text',
      title: 'text',
      evidence: 'jsonb',
      occurrences: 'int',
      openedAt: 'timestamptz',
      lastSeenAt: 'timestamptz',
    })}
    ON CONFLICT (workspace_id, account_id, rule_id) WHERE status <> 'resolved' DO NOTHING
    RETURNING id`,
  updateMany: `
    UPDATE alerting.alerts a SET severity = r.severity, rule_name = r."ruleName", status = r.status,
      owner = r.owner, title = r.title, evidence = r.evidence, occurrences = r.occurrences,
      last_seen_at = r."lastSeenAt", acknowledged_at = r."acknowledgedAt", snoozed_until = r."snoozedUntil",
      resolved_at = r."resolvedAt", resolution = r.resolution, updated_at = now()
    FROM ${recordset({
      id: 'uuid',
      severity: 'text',
      ruleName: 'text',
      status: 'text',
      owner: 'text',
      title: 'text',
      evidence: 'jsonb',
      occurrences: 'int',
      lastSeenAt: 'timestamptz',
      acknowledgedAt: 'timestamptz',
      snoozedUntil: 'timestamptz',
      resolvedAt: 'timestamptz',
      resolution: 'jsonb',
    })}
    WHERE a.id = r.id`,
  insertHistory: `
    INSERT INTO alerting.alert_history (alert_id, workspace_id, at, change, from_status, to_status, actor, note, detail)
    SELECT r."alertId", r."workspaceId", r.at, r.change, r."fromStatus", r."toStatus", r.actor, r.note, r.detail
    FROM ${recordset({
      alertId: 'uuid',
      workspaceId: 'text',
      at: 'timestamptz',
      change: 'text',
      fromStatus: 'text',
      toStatus: 'text',
      actor: 'text',
      note: 'text',
      detail: 'jsonb',
    })}`,
  byId: `SELECT ${ALERT_COLUMNS} FROM alerting.alerts a WHERE a.workspace_id = $1 AND a.id = $2`,
  byIdForUpdate: `SELECT ${ALERT_COLUMNS} FROM alerting.alerts a WHERE a.workspace_id = $1 AND a.id = $2 FOR UPDATE`,
  historyOf: `
    SELECT at, change, from_status AS "fromStatus", to_status AS "toStatus", actor, note, detail
    FROM alerting.alert_history WHERE alert_id = $1 ORDER BY id`,
  // Every filter is optional: a null parameter does not filter.
  page: `
    SELECT ${ALERT_COLUMNS} FROM alerting.alerts a
    WHERE a.workspace_id = $1
      AND ($2::text[] IS NULL OR a.status = ANY($2))
      AND ($3::text IS NULL OR a.account_id = $3)
      AND ($4::uuid IS NULL OR a.rule_id = $4)
      AND ($5::text[] IS NULL OR a.rule_type = ANY($5))
      AND ($6::text IS NULL OR lower(a.owner) = lower($6))
      AND ($7::text[] IS NULL OR a.severity = ANY($7))
      AND ($8::timestamptz IS NULL OR (a.opened_at, a.id) < ($8::timestamptz, $9::uuid))
    ORDER BY a.opened_at DESC, a.id DESC LIMIT $10`,
});

/** One history row of an alert, as the API shows it. */
export interface AlertHistoryEntry {
  readonly at: string;
  readonly change: AlertChangeKind;
  readonly fromStatus: AlertStatus | null;
  readonly toStatus: AlertStatus;
  readonly actor: string | null;
  readonly note: string | null;
  readonly detail: Record<string, unknown>;
}

/** A history row to write. */
export interface AlertHistoryRow extends Omit<AlertHistoryEntry, 'fromStatus' | 'toStatus'> {
  readonly alertId: string;
  readonly workspaceId: string;
  readonly fromStatus: AlertStatus | null;
  readonly toStatus: AlertStatus;
}

/** The filters of an alert page; absent ones do not filter. */
export interface AlertPageFilter {
  readonly status?: readonly AlertStatus[];
  readonly accountId?: string;
  readonly ruleId?: string;
  readonly ruleType?: readonly AlertRuleType[];
  readonly owner?: string;
  readonly severity?: readonly AlertSeverity[];
  /** Alerts opened before this one (the page cursor). */
  readonly before?: { readonly at: string; readonly id: string } | null;
  readonly limit: number;
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();

function alertRecordOf(row: Record<string, unknown>): AlertRecord {
  return {
    ...(row as unknown as AlertRecord),
    openedAt: iso(row['openedAt'])!,
    lastSeenAt: iso(row['lastSeenAt'])!,
    acknowledgedAt: iso(row['acknowledgedAt']),
    snoozedUntil: iso(row['snoozedUntil']),
    resolvedAt: iso(row['resolvedAt']),
  };
}

const keyParams = (keys: readonly AccountKey[]): [string[], string[]] => [
  keys.map((k) => k.workspaceId),
  keys.map((k) => k.accountId),
];

/** Alerts (alerting.alerts) and their history (alerting.alert_history). */
@Injectable()
export class AlertRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The accounts' alerts that are not resolved, locked for the caller's transaction. */
  async openOfAccountsForUpdate(m: EntityManager, keys: readonly AccountKey[]): Promise<AlertRecord[]> {
    if (keys.length === 0) return [];
    const rows: Record<string, unknown>[] = await m.query(SQL.openOfAccountsForUpdate, keyParams(keys));
    return rows.map(alertRecordOf);
  }

  /** The accounts with an alert not resolved that is held by `owner` of its workspace (null: nobody). */
  async accountsWithOpenHeldBy(
    m: EntityManager,
    holders: readonly { readonly workspaceId: string; readonly owner: string | null }[],
  ): Promise<AccountKey[]> {
    if (holders.length === 0) return [];
    return m.query(SQL.accountsWithOpenHeldBy, [
      holders.map((h) => h.workspaceId),
      holders.map((h) => h.owner),
    ]);
  }

  /** The last resolution per account and rule, leaving out closures for churn. */
  async lastResolutions(m: EntityManager, keys: readonly AccountKey[]): Promise<LastResolution[]> {
    if (keys.length === 0) return [];
    const rows: (Omit<LastResolution, 'resolvedAt'> & { resolvedAt: Date })[] = await m.query(
      SQL.lastResolutions,
      [...keyParams(keys), ACCOUNT_CHURNED_REASON],
    );
    return rows.map((r) => ({ ...r, resolvedAt: r.resolvedAt.toISOString() }));
  }

  /**
   * Inserts raised alerts; one that meets an alert opened meanwhile for the same account and
   * rule (the partial unique index) is dropped. Answers the ids inserted.
   */
  async insertRaised(m: EntityManager, alerts: readonly AlertRecord[]): Promise<Set<string>> {
    if (alerts.length === 0) return new Set();
    const rows = returnedRows<{ id: string }>(await m.query(SQL.insertRaised, [recordsetParam(alerts)]));
    return new Set(rows.map((r) => r.id));
  }

  async updateMany(m: EntityManager, alerts: readonly AlertRecord[]): Promise<void> {
    if (alerts.length > 0) await m.query(SQL.updateMany, [recordsetParam(alerts)]);
  }

  async insertHistory(m: EntityManager, rows: readonly AlertHistoryRow[]): Promise<void> {
    if (rows.length > 0) await m.query(SQL.insertHistory, [recordsetParam(rows)]);
  }

  async find(
    workspaceId: string,
    id: string,
    m: EntityManager = this.dataSource.manager,
  ): Promise<AlertRecord | null> {
    const [row]: Record<string, unknown>[] = await m.query(SQL.byId, [workspaceId, id]);
    return row ? alertRecordOf(row) : null;
  }

  async findForUpdate(m: EntityManager, workspaceId: string, id: string): Promise<AlertRecord | null> {
    const [row]: Record<string, unknown>[] = await m.query(SQL.byIdForUpdate, [workspaceId, id]);
    return row ? alertRecordOf(row) : null;
  }

  async historyOf(alertId: string): Promise<AlertHistoryEntry[]> {
    const rows: (Omit<AlertHistoryEntry, 'at'> & { at: Date })[] = await this.dataSource.query(
      SQL.historyOf,
      [alertId],
    );
    return rows.map((h) => ({ ...h, at: h.at.toISOString() }));
  }

  /** A workspace's alerts, newest first, up to `limit` of them. */
  async page(workspaceId: string, f: AlertPageFilter): Promise<AlertRecord[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(SQL.page, [
      workspaceId,
      f.status ?? null,
      f.accountId ?? null,
      f.ruleId ?? null,
      f.ruleType ?? null,
      f.owner ?? null,
      f.severity ?? null,
      f.before?.at ?? null,
      f.before?.id ?? null,
      f.limit,
    ]);
    return rows.map(alertRecordOf);
  }
}
