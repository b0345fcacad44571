import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountUpdatedData,
  AlertEventData,
  AnyEventEnvelope,
  CustomerEventData,
  EventEnvelope,
  LifecyclePhase,
  PlaybookTriggerType,
  isChurnedAccount,
} from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';
import { renewalTriggerKey } from '../playbooks/domain/trigger-timing';
import { PlaybookStore, StoredPlaybook } from '../playbooks/playbook-store';
import { playbooksDatabase } from '../database/playbooks.database';

import { accountKey } from './account-store';
import { closeRunsOfChurned } from './churned-runs';
import { PLAYBOOKS_SIGNALS_CONSUMER } from './consumer-groups';
import { TriggerIntake, TriggerRequest } from './trigger-intake';

/** The track event that starts subscription_started playbooks. */
export const SUBSCRIPTION_STARTED_EVENT = 'Subscription Started';

type AccountUpdated = EventEnvelope<'account.updated', AccountUpdatedData>;
type AlertEvent = EventEnvelope<'alert.raised' | 'alert.updated' | 'alert.resolved', AlertEventData>;
type CustomerEvent = EventEnvelope<'customer.event.recorded', CustomerEventData>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : null);

/**
 * Applies what the service reads from Kafka, a run of envelopes in one transaction with the
 * inbox: the account snapshot (profile, health, phase), contacts and events seen, and the
 * runs that alerts, phase changes and subscriptions start. Runs waiting on an account that
 * changed are woken, so their waits and exit conditions are looked at again.
 */
@Injectable()
export class SignalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: PlaybookStore,
    private readonly intake: TriggerIntake,
  ) {}

  /** Returns how many runs were started (to wake the engine). */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<number> {
    if (envelopes.length === 0) return 0;
    return this.dataSource.transaction(async (m) => {
      const todo = await claimInbox(m, playbooksDatabase.schema, PLAYBOOKS_SIGNALS_CONSUMER, envelopes);
      if (todo.length === 0) return 0;
      for (const w of [...new Set(todo.map((e) => e.workspaceId))].sort())
        await this.store.ensureWorkspace(m, w);
      const batch = new SignalBatch(m, this.store, this.intake, await this.storedPhases(m, todo));
      for (const e of todo) {
        if (e.type === 'account.updated') await this.accountUpdated(batch, e as AccountUpdated);
        else if (e.type === 'alert.raised' || e.type === 'alert.updated' || e.type === 'alert.resolved')
          await this.alert(batch, e as AlertEvent);
        else if (e.type === 'customer.event.recorded') await this.customerEvent(batch, e as CustomerEvent);
        else continue;
        if (e.accountId) batch.touch(e.workspaceId, e.accountId);
      }
      return batch.finish(new Date());
    });
  }

  /** The phase stored for each account an account.updated of the run is about. */
  private async storedPhases(
    m: EntityManager,
    events: readonly AnyEventEnvelope[],
  ): Promise<Map<string, LifecyclePhase | null>> {
    const keys = events
      .filter((e) => e.type === 'account.updated' && e.accountId)
      .map((e) => ({ workspaceId: e.workspaceId, accountId: e.accountId! }));
    const phases = new Map<string, LifecyclePhase | null>();
    if (keys.length === 0) return phases;
    const rows: { workspace_id: string; account_id: string; phase: LifecyclePhase | null }[] = await m.query(
      `SELECT a.workspace_id, a.account_id, a.phase FROM playbooks.accounts a
       JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
       WHERE a.profile_at IS NOT NULL`,
      [keys.map((k) => k.workspaceId), keys.map((k) => k.accountId)],
    );
    for (const r of rows) phases.set(accountKey(r.workspace_id, r.account_id), r.phase);
    return phases;
  }

  private async accountUpdated(batch: SignalBatch, e: AccountUpdated): Promise<void> {
    if (!e.accountId) return;
    const d = e.data;
    const key = accountKey(e.workspaceId, e.accountId);
    const before = batch.phases.get(key) ?? null;
    const onboarded =
      d.signals.onboardingCompletedAt !== null || (d.signals.metrics['onboarding_completion'] ?? 0) >= 1;
    // An older snapshot than the one stored changes nothing (the topic is ordered per account; this guards replays).
    const rows: unknown[] = await batch.m.query(
      `INSERT INTO playbooks.accounts AS a (workspace_id, account_id, name, plan, mrr, seats, renewal_date, csm_email, segment,
         touch_model, phase, band, score, onboarding_complete, profile_at, subscription_status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (workspace_id, account_id) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan, mrr = EXCLUDED.mrr,
         subscription_status = EXCLUDED.subscription_status,
         seats = EXCLUDED.seats, renewal_date = EXCLUDED.renewal_date, csm_email = EXCLUDED.csm_email, segment = EXCLUDED.segment,
         touch_model = EXCLUDED.touch_model, phase = EXCLUDED.phase, band = EXCLUDED.band, score = EXCLUDED.score,
         onboarding_complete = EXCLUDED.onboarding_complete, profile_at = EXCLUDED.profile_at
       WHERE a.profile_at IS NULL OR a.profile_at <= EXCLUDED.profile_at
       RETURNING 1`,
      [
        e.workspaceId,
        e.accountId,
        d.name,
        d.plan,
        d.mrr,
        d.seats,
        d.renewalDate,
        d.csmEmail,
        d.segment,
        d.touchModel,
        d.phase,
        d.health.band,
        d.health.score,
        onboarded,
        e.occurredAt,
        d.subscriptionStatus ?? null,
      ],
    );
    if (rows.length === 0) return;
    batch.phases.set(key, d.phase);
    batch.profiled(e.workspaceId, e.accountId);
    const backfill = d.backfill === true;
    // A state of the past says nothing about open work today; the present state does.
    if (!backfill) batch.churned(e.workspaceId, e.accountId, isChurnedAccount(d));
    const cause = { correlationId: e.correlationId, causationId: e.id };
    const at = { triggeredAt: d.asOf ?? e.occurredAt, backfill };
    // A phase change is a new phase against a stored one: first sight of an account is not a change.
    if (before !== null && before !== d.phase)
      for (const playbook of await batch.live(e.workspaceId, 'phase_changed'))
        if (
          playbook.definition.trigger.type === 'phase_changed' &&
          playbook.definition.trigger.to === d.phase
        )
          batch.start(
            playbook,
            e.accountId,
            { type: 'phase_changed', ref: d.phase, key: `phase:${e.id}` },
            { from: before, to: d.phase },
            cause,
            at,
          );
    const now = new Date();
    for (const playbook of await batch.live(e.workspaceId, 'days_before_renewal')) {
      const trigger = playbook.definition.trigger;
      if (trigger.type !== 'days_before_renewal') continue;
      const renewal = renewalTriggerKey(d.renewalDate, trigger.days, now);
      if (renewal)
        batch.start(playbook, e.accountId, { type: trigger.type, ref: renewal, key: renewal }, {}, cause, at);
    }
  }

  private async alert(batch: SignalBatch, e: AlertEvent): Promise<void> {
    if (!e.accountId) return;
    const d = e.data;
    if (e.type === 'alert.resolved' || d.status === 'resolved') {
      batch.resolved.push({ workspaceId: e.workspaceId, alertId: d.alertId });
      return;
    }
    if (e.type !== 'alert.raised' && d.change !== 'reopened') return;
    for (const playbook of await batch.live(e.workspaceId, 'alert_raised'))
      if (
        playbook.definition.trigger.type === 'alert_raised' &&
        playbook.definition.trigger.ruleType === d.ruleType
      )
        batch.start(
          playbook,
          e.accountId,
          { type: 'alert_raised', ref: d.alertId, key: `alert:${d.alertId}:${d.openedAt}` },
          { alertId: d.alertId, alertOwner: d.owner, severity: d.severity, title: d.title },
          { correlationId: e.correlationId, causationId: e.id },
          { triggeredAt: e.occurredAt, backfill: false },
        );
  }

  private async customerEvent(batch: SignalBatch, e: CustomerEvent): Promise<void> {
    const m = batch.m;
    const d = e.data;
    const userId = d.userId ?? d.anonymousId;
    if (d.call === 'group' && d.groupId) {
      const contact = str(d.traits['contact_email']) ?? str(d.traits['email']);
      await m.query(
        `INSERT INTO playbooks.accounts AS a (workspace_id, account_id, group_contact_email) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, account_id) DO UPDATE SET group_contact_email = coalesce(EXCLUDED.group_contact_email, a.group_contact_email)`,
        [e.workspaceId, d.groupId, contact],
      );
      if (userId)
        await m.query(
          `INSERT INTO playbooks.members AS mb (workspace_id, user_id, account_id) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, user_id) DO UPDATE SET account_id = EXCLUDED.account_id`,
          [e.workspaceId, userId, d.groupId],
        );
      return;
    }
    if (d.call === 'identify' && userId) {
      const email = str(d.traits['email']);
      if (email)
        await m.query(
          `INSERT INTO playbooks.members AS mb (workspace_id, user_id, account_id, email, email_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (workspace_id, user_id) DO UPDATE SET email = EXCLUDED.email, email_at = EXCLUDED.email_at,
             account_id = coalesce(EXCLUDED.account_id, mb.account_id)
           WHERE mb.email_at IS NULL OR mb.email_at <= EXCLUDED.email_at`,
          [e.workspaceId, userId, e.accountId, email, e.occurredAt],
        );
      return;
    }
    if (d.call !== 'track' || !d.event || !e.accountId) return;
    batch.seen(e.workspaceId, e.accountId, d.event, e.occurredAt);
    if (d.event !== SUBSCRIPTION_STARTED_EVENT) return;
    // History (an import) and events older than the horizon are recorded as such by the intake.
    for (const playbook of await batch.live(e.workspaceId, 'subscription_started'))
      batch.start(
        playbook,
        e.accountId,
        { type: 'subscription_started', ref: e.id, key: `subscription:${e.id}` },
        { plan: d.properties['plan'] ?? null },
        { correlationId: e.correlationId, causationId: e.id },
        { triggeredAt: e.occurredAt, backfill: d.backfill === true },
      );
  }
}

/**
 * What one run of signals gathers before it writes: live playbooks read once per workspace and
 * trigger, the runs to start (all in one insert, once the snapshots of the run are applied), the
 * alerts resolved (applied after the starts, so a run started and resolved in one run exits), and
 * the accounts whose waiting runs look again.
 */
class SignalBatch {
  private readonly playbooks = new Map<string, Promise<StoredPlaybook[]>>();
  private readonly pending: TriggerRequest[] = [];
  private readonly touched = new Map<string, { workspaceId: string; accountId: string }>();
  private readonly withProfile = new Map<string, { workspaceId: string; accountId: string }>();
  private readonly lost = new Map<string, { workspaceId: string; accountId: string }>();
  readonly resolved: { workspaceId: string; alertId: string }[] = [];
  private readonly events = new Map<
    string,
    { workspaceId: string; accountId: string; name: string; at: string }
  >();

  constructor(
    readonly m: EntityManager,
    private readonly store: PlaybookStore,
    private readonly intake: TriggerIntake,
    readonly phases: Map<string, LifecyclePhase | null>,
  ) {}

  live(workspaceId: string, trigger: PlaybookTriggerType): Promise<StoredPlaybook[]> {
    const key = `${workspaceId}\u0000${trigger}`;
    let found = this.playbooks.get(key);
    if (!found) {
      found = this.store.live(this.m, [workspaceId], [trigger]);
      this.playbooks.set(key, found);
    }
    return found;
  }

  start(
    playbook: StoredPlaybook,
    accountId: string,
    trigger: TriggerRequest['trigger'],
    context: Record<string, unknown>,
    cause: TriggerRequest['cause'],
    at: { readonly triggeredAt: string; readonly backfill: boolean },
  ): void {
    this.pending.push({ playbook, accountId, trigger, context, cause, ...at });
  }

  /** An account.updated was applied: triggers parked for the profile go now. */
  profiled(workspaceId: string, accountId: string): void {
    this.withProfile.set(accountKey(workspaceId, accountId), { workspaceId, accountId });
  }

  /** The account's present state, churned or not (the last one of the run counts): a churned one's runs close. */
  churned(workspaceId: string, accountId: string, churned: boolean): void {
    const key = accountKey(workspaceId, accountId);
    if (churned) this.lost.set(key, { workspaceId, accountId });
    else this.lost.delete(key);
  }

  /** A track event seen: only the latest time per account and name is kept, written once per run. */
  seen(workspaceId: string, accountId: string, name: string, at: string): void {
    const key = `${accountKey(workspaceId, accountId)}\u0000${name}`;
    const known = this.events.get(key);
    if (!known || Date.parse(known.at) < Date.parse(at))
      this.events.set(key, { workspaceId, accountId, name, at });
  }

  touch(workspaceId: string, accountId: string): void {
    this.touched.set(accountKey(workspaceId, accountId), { workspaceId, accountId });
  }

  /** Starts the runs, applies the resolved alerts, wakes the waiting runs; returns how many runs will execute. */
  async finish(now: Date): Promise<number> {
    if (this.events.size > 0) {
      // Sorted, so two runs upserting the same rows lock them in the same order.
      const seen = [...this.events.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
      await this.m.query(
        `INSERT INTO playbooks.account_events AS ae (workspace_id, account_id, name, last_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
         ON CONFLICT (workspace_id, account_id, name) DO UPDATE SET last_at = greatest(ae.last_at, EXCLUDED.last_at)`,
        [
          seen.map((v) => v.workspaceId),
          seen.map((v) => v.accountId),
          seen.map((v) => v.name),
          seen.map((v) => v.at),
        ],
      );
    }
    let started = (await this.intake.apply(this.m, this.pending, now)).length;
    started += (await this.intake.releaseProfiled(this.m, [...this.withProfile.values()], now)).length;
    // After the starts: a churned account's snapshot refused them, and what was running closes.
    await closeRunsOfChurned(this.m, [...this.lost.values()], now);
    if (this.resolved.length > 0)
      await this.m.query(
        `UPDATE playbooks.runs r SET alert_resolved = true, next_at = $3
         FROM unnest($1::text[], $2::text[]) AS k(workspace_id, alert_id)
         WHERE r.workspace_id = k.workspace_id AND r.trigger_ref = k.alert_id AND r.trigger_type = 'alert_raised'
           AND r.status = 'running'`,
        [this.resolved.map((r) => r.workspaceId), this.resolved.map((r) => r.alertId), now.toISOString()],
      );
    await wakeWaiting(this.m, [...this.touched.values()]);
    return started;
  }
}

/** Waiting runs of these accounts look again now: what they wait for, or an exit, may have come. */
export async function wakeWaiting(
  m: EntityManager,
  accounts: readonly { workspaceId: string; accountId: string }[],
): Promise<void> {
  if (accounts.length === 0) return;
  const sorted = [...accounts].sort((a, b) =>
    accountKey(a.workspaceId, a.accountId) < accountKey(b.workspaceId, b.accountId) ? -1 : 1,
  );
  await m.query(
    `UPDATE playbooks.runs r SET next_at = $3 FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
     WHERE r.workspace_id = k.workspace_id AND r.account_id = k.account_id AND r.status = 'running'
       AND r.wait_started_at IS NOT NULL AND (r.next_at IS NULL OR r.next_at > $3)`,
    [sorted.map((a) => a.workspaceId), sorted.map((a) => a.accountId), new Date().toISOString()],
  );
}
