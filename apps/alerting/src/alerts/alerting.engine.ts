import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountHealthChangedData,
  AccountUpdatedData,
  AnyEventEnvelope,
  EventEnvelope,
  ACCOUNT_CHURNED_REASON,
  isChurnedAccount,
} from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';
import { inScope, isPositive } from '../rules/domain/alert-rule';
import { Evaluation, ScorePoint, evaluateRule, DAY_MS } from '../rules/domain/rule-evaluator';
import { RulesStore, StoredRule } from '../rules/rules.store';
import { ALERTING_ACCOUNTS_CONSUMER } from '../consumer-groups';
import { alertingDatabase } from '../database/alerting.database';
import { decide, snoozeOver } from './domain/alert-lifecycle';
import { ALERT_COLUMNS, AlertRecord, alertRecordOf } from './alert-record';
import { AlertChange, AlertWriter, ChangeCause } from './alert-writer';
import { AlertingMetrics } from './alerting.metrics';

type AccountUpdated = EventEnvelope<'account.updated', AccountUpdatedData>;
type HealthChanged = EventEnvelope<'account.health.changed', AccountHealthChangedData>;

export interface AccountKey {
  readonly workspaceId: string;
  readonly accountId: string;
}

const keyOf = (k: AccountKey) => `${k.workspaceId}\u0000${k.accountId}`;
/** Score points older than any score_drop window can reach are dropped by the sweep. */
const SCORE_HISTORY_DAYS = 366;

/**
 * Keeps each account's latest snapshot and score history, and evaluates the workspace's rules
 * against it: on every message from cs.accounts.v1 / cs.health.v1, and on the sweep for what
 * time alone changes. Each run is one transaction with the inbox, the alert rows, their history,
 * the outbox and the deliveries.
 */
@Injectable()
export class AlertingEngine {
  private readonly metrics = new AlertingMetrics();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: RulesStore,
    private readonly writer: AlertWriter,
  ) {}

  /** Applies a run of envelopes from cs.accounts.v1 and cs.health.v1. */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    const relevant = envelopes.filter(
      (e): e is AccountUpdated | HealthChanged =>
        (e.type === 'account.updated' || e.type === 'account.health.changed') && e.accountId !== null,
    );
    if (relevant.length === 0) return;
    const snapshots = new Map<string, AccountUpdated>();
    let changes: readonly AlertChange[] = [];
    await this.dataSource.transaction(async (m) => {
      const events = await claimInbox(m, alertingDatabase.schema, ALERTING_ACCOUNTS_CONSUMER, relevant);
      if (events.length === 0) return;
      const points = new Map<string, { workspaceId: string; accountId: string; at: string; score: number }>();
      const causes = new Map<string, ChangeCause>();
      for (const e of events) {
        const key = keyOf({ workspaceId: e.workspaceId, accountId: e.accountId! });
        causes.set(key, { correlationId: e.correlationId, causationId: e.id });
        // A past state (backfill) raises, resolves and cools down nothing, and is not kept as the
        // snapshot the sweep evaluates; its score still joins the history, at the time it stands for.
        if (e.type === 'account.updated') {
          if (e.data.backfill === true) continue;
          const known = snapshots.get(key);
          if (!known || known.data.signals.asOf <= e.data.signals.asOf) snapshots.set(key, e);
        } else if (e.data.current.score !== null) {
          const point = {
            workspaceId: e.workspaceId,
            accountId: e.accountId!,
            at: e.data.asOf ?? e.occurredAt,
            score: e.data.current.score,
          };
          points.set(`${key}\u0000${point.at}`, point);
        }
      }
      const keys = sortedKeys(events.map((e) => ({ workspaceId: e.workspaceId, accountId: e.accountId! })));
      // account.health.changed adds to the score history; every health change comes with an
      // account.updated too, and that is what the rules are evaluated on.
      const evaluated = keys.filter((k) => snapshots.has(keyOf(k)));
      await lockAccounts(m, keys);
      const list = [...snapshots.values()].sort((a, b) =>
        keyOf(a as AccountKey) < keyOf(b as AccountKey) ? -1 : 1,
      );
      if (list.length > 0)
        await m.query(
          `INSERT INTO alerting.accounts AS a (workspace_id, account_id, as_of, snapshot)
           SELECT r."workspaceId", r."accountId", r."asOf", r.snapshot
           FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "asOf" timestamptz, snapshot jsonb)
           ON CONFLICT (workspace_id, account_id) DO UPDATE SET as_of = EXCLUDED.as_of, snapshot = EXCLUDED.snapshot
             WHERE a.as_of <= EXCLUDED.as_of`,
          [
            JSON.stringify(
              list.map((e) => ({
                workspaceId: e.workspaceId,
                accountId: e.accountId,
                asOf: e.data.signals.asOf,
                snapshot: e.data,
              })),
            ),
          ],
        );
      if (points.size > 0)
        await m.query(
          `INSERT INTO alerting.score_points (workspace_id, account_id, at, score)
           SELECT r."workspaceId", r."accountId", r.at, r.score
           FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz, score numeric)
           ON CONFLICT DO NOTHING`,
          [JSON.stringify([...points.values()])],
        );
      await this.rules.ensureWorkspaces(m, [...new Set(evaluated.map((k) => k.workspaceId))]);
      changes = await this.evaluate(m, evaluated, new Date(), (c) => causes.get(keyOf(c.alert))!);
    });
    this.metrics.committed(changes, (c) => snapshots.get(keyOf(c.alert))?.producedAt);
  }

  /**
   * Re-evaluates accounts now (the sweep, a rule change); accounts without a snapshot are left
   * alone. Snoozes that have run out are ended first.
   */
  async reevaluate(keys: readonly AccountKey[], reason: string): Promise<void> {
    const correlationId = randomUUID();
    const changes = await this.dataSource.transaction(async (m) => {
      const sorted = sortedKeys(keys);
      await lockAccounts(m, sorted);
      return this.evaluate(m, sorted, new Date(), () => ({ correlationId, causationId: null }), reason);
    });
    this.metrics.committed(changes);
  }

  /** Accounts with a snapshot, a workspace at a time, for the sweep. */
  async accountKeys(): Promise<AccountKey[]> {
    return this.dataSource.query(
      `SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM alerting.accounts
       ORDER BY workspace_id, account_id`,
    );
  }

  async accountKeysOf(workspaceId: string): Promise<AccountKey[]> {
    return this.dataSource.query(
      `SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM alerting.accounts
       WHERE workspace_id = $1 ORDER BY account_id`,
      [workspaceId],
    );
  }

  /** Drops score points no rule can look back to, keeping each account's last one before the cut. */
  async pruneScorePoints(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM alerting.score_points p WHERE p.at < now() - make_interval(days => $1)
         AND EXISTS (SELECT 1 FROM alerting.score_points q WHERE q.workspace_id = p.workspace_id
           AND q.account_id = p.account_id AND q.at > p.at AND q.at < now() - make_interval(days => $1))`,
      [SCORE_HISTORY_DAYS],
    );
  }

  private async evaluate(
    m: EntityManager,
    keys: readonly AccountKey[],
    now: Date,
    causeOf: (c: AlertChange) => ChangeCause,
    reason?: string,
  ): Promise<AlertChange[]> {
    if (keys.length === 0) return [];
    const workspaces = [...new Set(keys.map((k) => k.workspaceId))];
    const workspaceArg = keys.map((k) => k.workspaceId);
    const accountArg = keys.map((k) => k.accountId);
    const snapshotRows: { workspace_id: string; account_id: string; snapshot: AccountUpdatedData }[] =
      await m.query(
        `SELECT a.workspace_id, a.account_id, a.snapshot FROM alerting.accounts a
       JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON a.workspace_id = k.w AND a.account_id = k.acc`,
        [workspaceArg, accountArg],
      );
    if (snapshotRows.length === 0) return [];
    const rulesByWorkspace = await this.rules.rulesOf(m, workspaces);
    const owners = new Map<string, string | null>(
      (
        (await m.query(
          `SELECT workspace_id, default_owner FROM alerting.workspace_settings WHERE workspace_id = ANY($1)`,
          [workspaces],
        )) as { workspace_id: string; default_owner: string | null }[]
      ).map((r) => [r.workspace_id, r.default_owner]),
    );
    const openRows: Record<string, unknown>[] = await m.query(
      `SELECT ${ALERT_COLUMNS} FROM alerting.alerts a
       JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON a.workspace_id = k.w AND a.account_id = k.acc
       WHERE a.status <> 'resolved' FOR UPDATE OF a`,
      [workspaceArg, accountArg],
    );
    const open = new Map<string, AlertRecord>();
    const openOfAccount = new Map<string, AlertRecord[]>();
    for (const r of openRows.map(alertRecordOf)) {
      open.set(`${keyOf(r)}\u0000${r.ruleId}`, r);
      openOfAccount.set(keyOf(r), [...(openOfAccount.get(keyOf(r)) ?? []), r]);
    }
    const resolvedRows: { workspace_id: string; account_id: string; rule_id: string; resolved_at: Date }[] =
      await m.query(
        `SELECT DISTINCT ON (a.workspace_id, a.account_id, a.rule_id) a.workspace_id, a.account_id, a.rule_id, a.resolved_at
         FROM alerting.alerts a
         JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON a.workspace_id = k.w AND a.account_id = k.acc
         WHERE a.status = 'resolved' AND a.resolution->>'reason' IS DISTINCT FROM $3
         ORDER BY a.workspace_id, a.account_id, a.rule_id, a.resolved_at DESC`,
        // Closing a churned account's alerts starts no cooldown: a reactivated account is watched at once.
        [workspaceArg, accountArg, ACCOUNT_CHURNED_REASON],
      );
    const lastResolved = new Map(
      resolvedRows.map((r) => [
        `${r.workspace_id}\u0000${r.account_id}\u0000${r.rule_id}`,
        r.resolved_at.toISOString(),
      ]),
    );
    const historyDays = Math.max(
      0,
      ...[...rulesByWorkspace.values()]
        .flat()
        .map((r) => (r.type === 'score_drop' && r.enabled ? r.params.days : 0)),
    );
    const histories = new Map<string, ScorePoint[]>();
    if (historyDays > 0) {
      const pointRows: { workspace_id: string; account_id: string; at: Date; score: string }[] =
        await m.query(
          // The points of the window, and the last one before it (the score in effect when it began).
          `SELECT p.workspace_id, p.account_id, p.at, p.score FROM alerting.score_points p
           JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON p.workspace_id = k.w AND p.account_id = k.acc
           WHERE p.at >= $3
           UNION ALL
           SELECT b.workspace_id, b.account_id, b.at, b.score
           FROM unnest($1::text[], $2::text[]) AS k(w, acc)
           CROSS JOIN LATERAL (
             SELECT p.workspace_id, p.account_id, p.at, p.score FROM alerting.score_points p
             WHERE p.workspace_id = k.w AND p.account_id = k.acc AND p.at < $3 ORDER BY p.at DESC LIMIT 1
           ) b`,
          [workspaceArg, accountArg, new Date(now.getTime() - historyDays * DAY_MS).toISOString()],
        );
      for (const p of pointRows) {
        const key = `${p.workspace_id}\u0000${p.account_id}`;
        const list = histories.get(key) ?? [];
        list.push({ at: p.at.toISOString(), score: Number(p.score) });
        histories.set(key, list);
      }
    }

    const changes: AlertChange[] = [];
    const nowIso = now.toISOString();
    for (const row of snapshotRows) {
      const account = row.snapshot;
      const key = `${row.workspace_id}\u0000${row.account_id}`;
      if (isChurnedAccount(account)) {
        // No active subscription: nothing to warn about, and what was open closes with that reason.
        for (const alert of openOfAccount.get(key) ?? [])
          changes.push(resolution(alert, nowIso, ACCOUNT_CHURNED_REASON, reason ? { trigger: reason } : {}));
        continue;
      }
      const rules = rulesByWorkspace.get(row.workspace_id) ?? [];
      const ruleIds = new Set(rules.map((r) => r.id));
      for (const rule of rules) {
        const current = open.get(`${key}\u0000${rule.id}`) ?? null;
        const evaluation = evaluationOf(rule, account, histories.get(key) ?? [], now);
        const decision = decide({
          open: current,
          lastResolvedAt: lastResolved.get(`${key}\u0000${rule.id}`) ?? null,
          evaluation,
          cooldownMinutes: rule.cooldownMinutes,
          now,
        });
        const owner = account.csmEmail ?? owners.get(row.workspace_id) ?? null;
        const detail = reason ? { trigger: reason } : {};
        if (decision.kind === 'raise' && evaluation.outcome === 'met') {
          changes.push({
            alert: {
              id: randomUUID(),
              workspaceId: row.workspace_id,
              accountId: row.account_id,
              ruleId: rule.id,
              ruleType: rule.type,
              ruleName: rule.name,
              severity: rule.severity,
              positive: isPositive(rule.type),
              status: 'open',
              owner,
              title: evaluation.summary,
              evidence: evaluation.evidence,
              occurrences: 1,
              openedAt: nowIso,
              lastSeenAt: nowIso,
              acknowledgedAt: null,
              snoozedUntil: null,
              resolvedAt: null,
              resolution: null,
            },
            change: 'raised',
            fromStatus: null,
            actor: null,
            note: null,
            detail: { ...detail, evidence: evaluation.evidence },
          });
          continue;
        }
        if (!current) continue;
        if (decision.kind === 'repeat' && evaluation.outcome === 'met') {
          const reopen = snoozeOver(current, now);
          changes.push({
            alert: {
              ...current,
              status: reopen ? 'open' : current.status,
              snoozedUntil: reopen ? null : current.snoozedUntil,
              severity: rule.severity,
              ruleName: rule.name,
              owner,
              title: evaluation.summary,
              evidence: evaluation.evidence,
              occurrences: current.occurrences + 1,
              lastSeenAt: nowIso,
            },
            // A repeat after the snooze ended is the reopening channels hear about.
            change: reopen ? 'reopened' : 'repeated',
            fromStatus: current.status,
            actor: null,
            note: null,
            detail: { ...detail, evidence: evaluation.evidence },
          });
        } else if (decision.kind === 'resolve') {
          changes.push(resolution(current, nowIso, decision.reason, detail));
        } else if (snoozeOver(current, now)) {
          changes.push({
            alert: { ...current, status: 'open', snoozedUntil: null },
            change: 'reopened',
            fromStatus: 'snoozed',
            actor: null,
            note: null,
            detail: { ...detail, snoozedUntil: current.snoozedUntil },
          });
        }
      }
      // Alerts of rules deleted meanwhile have nothing left to watch them.
      for (const alert of openOfAccount.get(key) ?? [])
        if (!ruleIds.has(alert.ruleId))
          changes.push(resolution(alert, nowIso, 'the rule no longer exists', {}));
    }
    await this.writer.write(m, changes, causeOf);
    return changes;
  }
}

/** A disabled rule, or an account outside its scope, clears whatever the rule had raised. */
function evaluationOf(
  rule: StoredRule,
  account: AccountUpdatedData,
  history: readonly ScorePoint[],
  now: Date,
): Evaluation {
  if (!rule.enabled) return { outcome: 'not_met', evidence: {}, summary: 'the rule is disabled' };
  if (!inScope(rule.scope, account))
    return { outcome: 'not_met', evidence: {}, summary: "the account is outside the rule's scope" };
  return evaluateRule(rule, account, history, now);
}

function resolution(
  alert: AlertRecord,
  at: string,
  reason: string,
  detail: Record<string, unknown>,
): AlertChange {
  return {
    alert: {
      ...alert,
      status: 'resolved',
      snoozedUntil: null,
      resolvedAt: at,
      resolution: { kind: 'auto', reason, by: null, note: null },
    },
    change: 'resolved',
    fromStatus: alert.status,
    actor: null,
    note: null,
    detail: { ...detail, reason },
  };
}

function sortedKeys(keys: readonly AccountKey[]): AccountKey[] {
  const unique = new Map(keys.map((k) => [keyOf(k), k]));
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

/**
 * Serialises work on the same accounts (consumer, sweep, rule changes): transaction-scoped
 * advisory locks taken in one order, so two runs never deadlock.
 */
async function lockAccounts(m: EntityManager, sorted: readonly AccountKey[]): Promise<void> {
  if (sorted.length === 0) return;
  await m.query(
    `SELECT pg_advisory_xact_lock(h) FROM (
       SELECT hashtextextended(k, 0) AS h FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
     ) s`,
    [sorted.map((k) => `alerting:${k.workspaceId}:${k.accountId}`)],
  );
}
