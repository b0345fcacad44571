import {
  ACCOUNT_CHURNED_REASON,
  AccountHealthChangedData,
  AccountUpdatedData,
  EventCause,
  EventEnvelope,
  isChurnedAccount,
  accountOwnerOf,
} from '@tsuzuku/contracts';
import { AlertRule, inGracePeriod, inScope, isPositive } from '../../rules/domain/alert-rule';
import { DAY_MS, Evaluation, ScorePoint, evaluateRule } from '../../rules/domain/rule-evaluator';
import { decide, snoozeOver } from './alert-lifecycle';
import { AlertChange, AlertRecord } from './alert-record';

export type AccountUpdated = EventEnvelope<'account.updated', AccountUpdatedData>;
export type HealthChanged = EventEnvelope<'account.health.changed', AccountHealthChangedData>;

export interface AccountKey {
  readonly workspaceId: string;
  readonly accountId: string;
}

/** An account's latest snapshot, the state its rules are evaluated on. */
export interface AccountSnapshot extends AccountKey {
  readonly snapshot: AccountUpdatedData;
}

/** Score points per account (keyed by `accountKeyOf`), oldest first. */
export type ScoreHistories = Map<string, ScorePoint[]>;

/** When the last alert of an account and rule was resolved (a churn closure excluded). */
export interface LastResolution extends AccountKey {
  readonly ruleId: string;
  readonly resolvedAt: string;
}

/** One string per account, usable as a map key and sorting as the lock order. */
export const accountKeyOf = (k: AccountKey): string => `${k.workspaceId}\u0000${k.accountId}`;

/** The keys without duplicates, in one order (the order locks are taken in). */
export function sortedKeys(keys: readonly AccountKey[]): AccountKey[] {
  const unique = new Map(keys.map((k) => [accountKeyOf(k), k]));
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

/** What a run of account messages brings: the snapshots to keep, the score points, and each account's cause. */
export interface FoldedAccountEvents {
  /** The newest current snapshot per account, in key order. */
  readonly snapshots: readonly AccountUpdated[];
  readonly points: readonly { workspaceId: string; accountId: string; at: string; score: number }[];
  readonly causes: ReadonlyMap<string, EventCause>;
  /** Every account the run names, sorted (the accounts to lock). */
  readonly keys: readonly AccountKey[];
  /** The accounts with a new snapshot, sorted: the ones evaluated. */
  readonly evaluated: readonly AccountKey[];
}

/**
 * Folds a run of account.updated and account.health.changed messages. A past state (backfill)
 * raises, resolves and cools down nothing, and is not kept as the snapshot the sweep evaluates;
 * its score still joins the history, at the time it stands for. account.health.changed only adds
 * to the score history: every health change comes with an account.updated, and that is what the
 * rules are evaluated on.
 */
export function foldAccountEvents(events: readonly (AccountUpdated | HealthChanged)[]): FoldedAccountEvents {
  const snapshots = new Map<string, AccountUpdated>();
  const points = new Map<string, { workspaceId: string; accountId: string; at: string; score: number }>();
  const causes = new Map<string, EventCause>();
  for (const e of events) {
    const key = accountKeyOf({ workspaceId: e.workspaceId, accountId: e.accountId! });
    causes.set(key, { correlationId: e.correlationId, causationId: e.id });
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
  const ordered = [...snapshots.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
  return {
    snapshots: ordered,
    points: [...points.values()],
    causes,
    keys,
    evaluated: keys.filter((k) => snapshots.has(accountKeyOf(k))),
  };
}

/** How many days of score history the enabled score_drop rules look back (0: none needed). */
export function scoreHistoryDays(rules: Iterable<readonly AlertRule[]>): number {
  return Math.max(
    0,
    ...[...rules].flat().map((r) => (r.type === 'score_drop' && r.enabled ? r.params.days : 0)),
  );
}

/** The start of the score history the rules need at `now`. */
export function scoreHistoryStart(days: number, now: Date): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** Everything one evaluation of accounts reads, loaded beforehand. */
export interface EvaluationInput {
  readonly snapshots: readonly AccountSnapshot[];
  readonly rulesByWorkspace: ReadonlyMap<string, readonly AlertRule[]>;
  /** The workspace's default owner, for accounts without a CSM. */
  readonly defaultOwners: ReadonlyMap<string, string | null>;
  /** The accounts' alerts that are not resolved. */
  readonly openAlerts: readonly AlertRecord[];
  readonly lastResolutions: readonly LastResolution[];
  readonly histories: ScoreHistories;
  readonly now: Date;
  /** What made this run (the sweep, a rule change), recorded in each change's detail. */
  readonly reason?: string;
  /** Ids for raised alerts. */
  readonly newId: () => string;
  /**
   * The accounts (by accountKeyOf) whose owner this run changed: their alerts that stay open
   * take the new owner.
   */
  readonly ownerMoved?: ReadonlySet<string>;
}

/** The accounts whose owner differs between the snapshot kept before and the one of the run. */
export function ownersMoved(
  before: readonly AccountSnapshot[],
  after: readonly AccountUpdated[],
): Set<string> {
  const previous = new Map(before.map((b) => [accountKeyOf(b), accountOwnerOf(b.snapshot)]));
  const moved = new Set<string>();
  for (const e of after) {
    const key = accountKeyOf({ workspaceId: e.workspaceId, accountId: e.accountId! });
    const was = previous.get(key);
    if (was !== undefined && was !== accountOwnerOf(e.data)) moved.add(key);
  }
  return moved;
}

/**
 * Evaluates every rule of each account's workspace against its snapshot and decides what happens
 * to the account's alerts: raised, repeated, reopened after a snooze, resolved, or left alone.
 * A churned account's open alerts close; alerts of deleted rules resolve. Pure.
 */
export function evaluateAccounts(input: EvaluationInput): AlertChange[] {
  const { now, reason } = input;
  const open = new Map<string, AlertRecord>();
  const openOfAccount = new Map<string, AlertRecord[]>();
  for (const alert of input.openAlerts) {
    open.set(`${accountKeyOf(alert)}\u0000${alert.ruleId}`, alert);
    openOfAccount.set(accountKeyOf(alert), [...(openOfAccount.get(accountKeyOf(alert)) ?? []), alert]);
  }
  const lastResolved = new Map(
    input.lastResolutions.map((r) => [`${accountKeyOf(r)}\u0000${r.ruleId}`, r.resolvedAt]),
  );
  const changes: AlertChange[] = [];
  const nowIso = now.toISOString();
  const detail = reason ? { trigger: reason } : {};
  for (const row of input.snapshots) {
    const account = row.snapshot;
    const key = accountKeyOf(row);
    if (isChurnedAccount(account)) {
      // No active subscription: nothing to warn about, and what was open closes with that reason.
      for (const alert of openOfAccount.get(key) ?? [])
        changes.push(resolution(alert, nowIso, ACCOUNT_CHURNED_REASON, detail));
      continue;
    }
    const rules = input.rulesByWorkspace.get(row.workspaceId) ?? [];
    const ruleIds = new Set(rules.map((r) => r.id));
    const owner = accountOwnerOf(account) ?? input.defaultOwners.get(row.workspaceId) ?? null;
    const firstOfAccount = changes.length;
    for (const rule of rules) {
      const current = open.get(`${key}\u0000${rule.id}`) ?? null;
      const evaluation = evaluationOf(rule, account, input.histories.get(key) ?? [], now);
      const decision = decide({
        open: current,
        lastResolvedAt: lastResolved.get(`${key}\u0000${rule.id}`) ?? null,
        evaluation,
        cooldownMinutes: rule.cooldownMinutes,
        now,
      });
      if (decision.kind === 'raise' && evaluation.outcome === 'met') {
        changes.push({
          alert: {
            id: input.newId(),
            workspaceId: row.workspaceId,
            accountId: row.accountId,
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
    if (input.ownerMoved?.has(key)) {
      // The account changed hands: what stays open goes to the new owner (a repeat took it already).
      const changed = new Set(changes.slice(firstOfAccount).map((c) => c.alert.id));
      for (const alert of openOfAccount.get(key) ?? [])
        if (!changed.has(alert.id) && alert.owner !== owner)
          changes.push({
            alert: { ...alert, owner },
            change: 'reassigned',
            fromStatus: alert.status,
            actor: null,
            note: null,
            detail: { ...detail, fromOwner: alert.owner, owner },
          });
    }
  }
  return changes;
}

/**
 * A disabled rule, an account outside its scope or one still in the rule's grace period clears
 * whatever the rule had raised.
 */
function evaluationOf(
  rule: AlertRule,
  account: AccountUpdatedData,
  history: readonly ScorePoint[],
  now: Date,
): Evaluation {
  if (!rule.enabled) return { outcome: 'not_met', evidence: {}, summary: 'the rule is disabled' };
  if (!inScope(rule.scope, account))
    return { outcome: 'not_met', evidence: {}, summary: "the account is outside the rule's scope" };
  if (inGracePeriod(rule.graceDays, account.firstSeenAt, now))
    return { outcome: 'not_met', evidence: {}, summary: "the account is in the rule's grace period" };
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
