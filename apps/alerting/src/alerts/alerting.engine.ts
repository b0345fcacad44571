import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AnyEventEnvelope } from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { RuleRepository } from '../rules/rule.repository';
import { WorkspaceRulesService } from '../rules/workspace-rules.service';
import { WorkspaceSettingsRepository } from '../settings/workspace-settings.repository';
import { ALERTING_ACCOUNTS_CONSUMER } from '../consumer-groups';
import { alertingDatabase } from '../database/alerting.database';
import {
  AccountKey,
  AccountUpdated,
  HealthChanged,
  ScoreHistories,
  accountKeyOf,
  evaluateAccounts,
  foldAccountEvents,
  ownersMoved,
  scoreHistoryDays,
  scoreHistoryStart,
  sortedKeys,
} from './domain/alert-evaluation';
import { AlertChange } from './domain/alert-record';
import { AccountSnapshotRepository } from './account-snapshot.repository';
import { AlertRepository } from './alert.repository';
import { AlertWriter, ChangeCause } from './alert-writer';
import { AlertingMetrics } from './alerting.metrics';

/**
 * Keeps each account's latest snapshot and score history, and evaluates the workspace's rules
 * against it: on every message from cs.accounts.v1 / cs.health.v1, and on the sweep for what
 * time alone changes. Each run is one transaction with the inbox, the alert rows, their history,
 * the outbox and the deliveries. The decisions are domain/alert-evaluation's; this class loads
 * what they read and writes what they decide.
 */
@Injectable()
export class AlertingEngine {
  private readonly metrics = new AlertingMetrics();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountSnapshotRepository,
    private readonly alerts: AlertRepository,
    private readonly rules: RuleRepository,
    private readonly settings: WorkspaceSettingsRepository,
    private readonly workspaces: WorkspaceRulesService,
    private readonly writer: AlertWriter,
    private readonly clock: Clock,
  ) {}

  /** Applies a run of envelopes from cs.accounts.v1 and cs.health.v1. */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    const relevant = envelopes.filter(
      (e): e is AccountUpdated | HealthChanged =>
        (e.type === 'account.updated' || e.type === 'account.health.changed') && e.accountId !== null,
    );
    if (relevant.length === 0) return;
    // When each account's snapshot of this run was published: the start of health change to alert.
    const publishedAt = new Map<string, string>();
    let changes: readonly AlertChange[] = [];
    await this.dataSource.transaction(async (m) => {
      const events = await claimInbox(m, alertingDatabase.schema, ALERTING_ACCOUNTS_CONSUMER, relevant);
      if (events.length === 0) return;
      const run = foldAccountEvents(events);
      for (const e of run.snapshots) publishedAt.set(accountKeyOf(e as AccountKey), e.producedAt);
      await this.accounts.lock(m, run.keys);
      const ownerMoved = ownersMoved(await this.accounts.snapshotsOf(m, run.evaluated), run.snapshots);
      await this.accounts.upsertSnapshots(
        m,
        run.snapshots.map((e) => ({
          workspaceId: e.workspaceId,
          accountId: e.accountId!,
          asOf: e.data.signals.asOf,
          snapshot: e.data,
        })),
      );
      await this.accounts.addScorePoints(m, run.points);
      await this.workspaces.ensure(m, [...new Set(run.evaluated.map((k) => k.workspaceId))]);
      changes = await this.evaluate(
        m,
        run.evaluated,
        this.clock.now(),
        (c) => run.causes.get(accountKeyOf(c.alert))!,
        undefined,
        ownerMoved,
      );
    });
    this.metrics.committed(changes, (c) => publishedAt.get(accountKeyOf(c.alert)));
  }

  /**
   * Re-evaluates accounts now (the sweep, a rule change); accounts without a snapshot are left
   * alone. Snoozes that have run out are ended first.
   */
  async reevaluate(keys: readonly AccountKey[], reason: string): Promise<void> {
    const correlationId = randomUUID();
    const changes = await this.dataSource.transaction(async (m) => {
      const sorted = sortedKeys(keys);
      await this.accounts.lock(m, sorted);
      return this.evaluate(m, sorted, this.clock.now(), () => ({ correlationId, causationId: null }), reason);
    });
    this.metrics.committed(changes);
  }

  /** Re-evaluates every account of a workspace with a snapshot, a chunk per transaction. */
  async reevaluateWorkspace(workspaceId: string, reason: string, chunk = 500): Promise<void> {
    const keys = await this.accounts.keysOf(workspaceId);
    for (let i = 0; i < keys.length; i += chunk) await this.reevaluate(keys.slice(i, i + chunk), reason);
  }

  private async evaluate(
    m: EntityManager,
    keys: readonly AccountKey[],
    now: Date,
    causeOf: (c: AlertChange) => ChangeCause,
    reason?: string,
    ownerMoved?: ReadonlySet<string>,
  ): Promise<AlertChange[]> {
    if (keys.length === 0) return [];
    const snapshots = await this.accounts.snapshotsOf(m, keys);
    if (snapshots.length === 0) return [];
    const workspaceIds = [...new Set(keys.map((k) => k.workspaceId))];
    const rulesByWorkspace = await this.rules.ofWorkspaces(workspaceIds, m);
    const defaultOwners = await this.settings.fallbackOwners(m, workspaceIds);
    const openAlerts = await this.alerts.openOfAccountsForUpdate(m, keys);
    const lastResolutions = await this.alerts.lastResolutions(m, keys);
    const historyDays = scoreHistoryDays(rulesByWorkspace.values());
    const histories: ScoreHistories =
      historyDays > 0
        ? await this.accounts.scoreHistories(m, keys, scoreHistoryStart(historyDays, now))
        : new Map();
    const changes = evaluateAccounts({
      snapshots,
      rulesByWorkspace,
      defaultOwners,
      openAlerts,
      lastResolutions,
      histories,
      now,
      reason,
      newId: randomUUID,
      ownerMoved,
    });
    await this.writer.write(m, changes, causeOf);
    return changes;
  }
}
