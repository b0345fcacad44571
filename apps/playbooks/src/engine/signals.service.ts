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
  accountOwnerOf,
  latestWorkspaceSettings,
} from '@tsuzuku/contracts';
import { claimInbox, enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { renewalTriggerKey } from '../playbooks/domain/trigger-timing';
import { PlaybookStore, StoredPlaybook } from '../playbooks/playbook-store';
import { playbooksDatabase } from '../database/playbooks.database';
import { RunRepository } from '../runs/run.repository';
import { TaskRepository } from '../tasks/task.repository';
import { taskMessage } from '../tasks/task-rows';
import { SCHEMA } from '../shared/playbook-envelope';
import { AccountProfile, AccountProfileRepository } from './account-profile.repository';
import { FallbackOwnerChange, WorkspaceSettingsRepository } from './workspace-settings.repository';
import { accountKey } from './account-store';
import { closeRunsOfChurned } from './churned-runs';
import { PLAYBOOKS_SIGNALS_CONSUMER } from './consumer-groups';
import { TriggerIntake, TriggerRequest } from './trigger-intake';
import { playbooksForAlert } from '../playbooks/domain/alert-trigger';
import { SUBSCRIPTION_STARTED_EVENT, isIdempotentSignal } from '../playbooks/domain/signal-claims';

type AccountUpdated = EventEnvelope<'account.updated', AccountUpdatedData>;
type AlertEvent = EventEnvelope<'alert.raised' | 'alert.updated' | 'alert.resolved', AlertEventData>;
type CustomerEvent = EventEnvelope<'customer.event.recorded', CustomerEventData>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : null);

/**
 * Applies what the service reads from Kafka, a run of envelopes in one transaction with the
 * inbox: the workspace's settings (its fallback owner; a newer version wins), the account
 * snapshot (profile, health, phase), contacts and events seen, and the
 * runs that alerts, phase changes and subscriptions start. Runs waiting on an account that
 * changed are woken, so their waits and exit conditions are looked at again.
 */
@Injectable()
export class SignalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: PlaybookStore,
    private readonly intake: TriggerIntake,
    private readonly accounts: AccountProfileRepository,
    private readonly runs: RunRepository,
    private readonly tasks: TaskRepository,
    private readonly workspaceSettings: WorkspaceSettingsRepository,
    private readonly clock: Clock,
  ) {}

  /** Returns how many runs were started (to wake the engine). */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<number> {
    if (envelopes.length === 0) return 0;
    return this.dataSource.transaction(async (m) => {
      const todo = await claimInbox(
        m,
        playbooksDatabase.schema,
        PLAYBOOKS_SIGNALS_CONSUMER,
        envelopes,
        isIdempotentSignal,
      );
      if (todo.length === 0) return 0;
      for (const w of [...new Set(todo.map((e) => e.workspaceId))].sort())
        await this.store.ensureWorkspace(m, w);
      const batch = new SignalBatch(
        m,
        {
          store: this.store,
          intake: this.intake,
          accounts: this.accounts,
          runs: this.runs,
          tasks: this.tasks,
        },
        await this.storedPhases(m, todo),
        await this.accounts.profileStates(m, accountUpdatedKeys(todo)),
        this.clock.now(),
      );
      // The newest settings of each workspace in the run (cs.workspaces.v1: the fallback owner).
      const settings = latestWorkspaceSettings(todo);
      for (const e of todo) {
        if (e.type === 'workspace.settings.updated') continue;
        if (e.type === 'account.updated') await this.accountUpdated(batch, e as AccountUpdated);
        else if (e.type === 'alert.raised' || e.type === 'alert.updated' || e.type === 'alert.resolved')
          await this.alert(batch, e as AlertEvent);
        else if (e.type === 'customer.event.recorded') await this.customerEvent(batch, e as CustomerEvent);
        else continue;
        if (e.accountId) batch.touch(e.workspaceId, e.accountId);
      }
      // The run's profiles, written before anything below reads them (owners, the intake's gate).
      await batch.writeProfiles();
      const applied = await this.workspaceSettings.apply(
        m,
        [...settings.values()].map(({ workspaceId, fallbackOwner, version }) => ({
          workspaceId,
          fallbackOwner,
          version,
        })),
      );
      for (const change of applied)
        await this.fallbackChanged(m, change, settings.get(change.workspaceId)!.cause);
      return batch.finish();
    });
  }

  /** The phase stored for each account an account.updated of the run is about. */
  private async storedPhases(
    m: EntityManager,
    events: readonly AnyEventEnvelope[],
  ): Promise<Map<string, LifecyclePhase | null>> {
    return this.accounts.profiledPhases(m, accountUpdatedKeys(events));
  }

  private async accountUpdated(batch: SignalBatch, e: AccountUpdated): Promise<void> {
    if (!e.accountId) return;
    const d = e.data;
    const key = accountKey(e.workspaceId, e.accountId);
    const before = batch.phases.get(key) ?? null;
    const formerOwner = batch.ownerOf(key);
    const owner = accountOwnerOf(d);
    const onboarded =
      d.signals.onboardingCompletedAt !== null || (d.signals.metrics['onboarding_completion'] ?? 0) >= 1;
    const stored = batch.keepProfile({
      workspaceId: e.workspaceId,
      accountId: e.accountId,
      name: d.name,
      plan: d.plan,
      mrr: d.mrr,
      subscriptionStatus: d.subscriptionStatus ?? null,
      seats: d.seats,
      renewalDate: d.renewalDate,
      csmEmail: owner,
      segment: d.segment,
      touchModel: d.touchModel,
      phase: d.phase,
      band: d.health.band,
      score: d.health.score,
      onboardingComplete: onboarded,
      profileAt: e.occurredAt,
    });
    if (!stored) return;
    batch.phases.set(key, d.phase);
    batch.profiled(e.workspaceId, e.accountId);
    const backfill = d.backfill === true;
    // A state of the past says nothing about open work today; the present state does.
    if (!backfill) batch.churned(e.workspaceId, e.accountId, isChurnedAccount(d));
    if (!backfill && owner !== formerOwner) await this.ownerChanged(batch.m, e, formerOwner, owner);
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
    const now = batch.now;
    for (const playbook of await batch.live(e.workspaceId, 'days_before_renewal')) {
      const trigger = playbook.definition.trigger;
      if (trigger.type !== 'days_before_renewal') continue;
      const renewal = renewalTriggerKey(d.renewalDate, trigger.days, now);
      if (renewal)
        batch.start(playbook, e.accountId, { type: trigger.type, ref: renewal, key: renewal }, {}, cause, at);
    }
  }

  /**
   * The account changed hands: its open tasks that were the former owner's, nobody's or the
   * fallback owner's go to the new owner (the fallback when it has none); a task given to
   * someone else keeps its assignee.
   */
  private async ownerChanged(
    m: EntityManager,
    e: AccountUpdated,
    formerOwner: string | null,
    owner: string | null,
  ): Promise<void> {
    const fallback =
      (await this.workspaceSettings.fallbackOwners(m, [e.workspaceId])).get(e.workspaceId) ?? null;
    const former = [formerOwner, fallback].filter((o): o is string => o !== null);
    const moved = await this.tasks.reassignOpenOfAccount(
      m,
      { workspaceId: e.workspaceId, accountId: e.accountId! },
      former,
      owner ?? fallback,
    );
    // Announced like a change made through the API, in the account event's trace.
    const now = this.clock.now();
    await enqueueOutbox(
      m,
      SCHEMA,
      moved.map((task) => taskMessage('task.updated', task, e.correlationId, now)),
    );
  }

  /**
   * The workspace's fallback owner changed: the open tasks the former one held (or nobody held,
   * when there was none) on accounts without an owner go to the new one, announced as task.updated
   * like any reassignment. Clearing the fallback owner moves nothing (a task is never taken from
   * someone to be given to nobody); tasks of accounts with an owner stay where they are.
   */
  private async fallbackChanged(
    m: EntityManager,
    change: FallbackOwnerChange,
    cause: AnyEventEnvelope,
  ): Promise<void> {
    const { formerFallbackOwner: former, fallbackOwner: next } = change;
    if (next === null || former?.toLowerCase() === next.toLowerCase()) return;
    const now = this.clock.now();
    const moved = await this.tasks.reassignOpenOfFallback(m, change.workspaceId, former, next, now);
    await enqueueOutbox(
      m,
      SCHEMA,
      moved.map((task) => taskMessage('task.updated', task, cause.correlationId, now)),
    );
  }

  private async alert(batch: SignalBatch, e: AlertEvent): Promise<void> {
    if (!e.accountId) return;
    const d = e.data;
    if (e.type === 'alert.resolved' || d.status === 'resolved') {
      batch.resolved.push({ workspaceId: e.workspaceId, alertId: d.alertId });
      return;
    }
    if (e.type !== 'alert.raised' && d.change !== 'reopened') return;
    const live = await batch.live(e.workspaceId, 'alert_raised');
    const selectorOf = (p: (typeof live)[number]) =>
      p.definition.trigger.type === 'alert_raised' ? p.definition.trigger : null;
    for (const playbook of playbooksForAlert(live, selectorOf, d))
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
      await this.accounts.upsertGroupContact(
        m,
        { workspaceId: e.workspaceId, accountId: d.groupId },
        contact,
      );
      if (userId) await this.accounts.upsertMemberAccount(m, e.workspaceId, userId, d.groupId);
      return;
    }
    if (d.call === 'identify' && userId) {
      const email = str(d.traits['email']);
      if (email)
        await this.accounts.upsertMemberEmail(m, {
          workspaceId: e.workspaceId,
          userId,
          accountId: e.accountId,
          email,
          at: e.occurredAt,
        });
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

/** The accounts the run's account.updated messages are about. */
function accountUpdatedKeys(
  events: readonly AnyEventEnvelope[],
): { workspaceId: string; accountId: string }[] {
  return events
    .filter((e) => e.type === 'account.updated' && e.accountId)
    .map((e) => ({ workspaceId: e.workspaceId, accountId: e.accountId! }));
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
  private readonly profiles = new Map<string, AccountProfile>();
  readonly resolved: { workspaceId: string; alertId: string }[] = [];
  private readonly events = new Map<
    string,
    { workspaceId: string; accountId: string; name: string; at: string }
  >();

  constructor(
    readonly m: EntityManager,
    private readonly deps: {
      readonly store: PlaybookStore;
      readonly intake: TriggerIntake;
      readonly accounts: AccountProfileRepository;
      readonly runs: RunRepository;
      readonly tasks: TaskRepository;
    },
    readonly phases: Map<string, LifecyclePhase | null>,
    private readonly profileStates: Map<string, { owner: string | null; profileAt: Date | null }>,
    readonly now: Date,
  ) {}

  /** The account's owner as stored, or as the last profile kept in this run set it. */
  ownerOf(key: string): string | null {
    return this.profileStates.get(key)?.owner ?? null;
  }

  /**
   * Keeps a profile for the run's write unless a newer one is stored or was kept before it in
   * the run (what the upsert's condition decides, one event at a time); true when kept.
   */
  keepProfile(profile: AccountProfile): boolean {
    const key = accountKey(profile.workspaceId, profile.accountId);
    const state = this.profileStates.get(key);
    const at = new Date(profile.profileAt);
    if (state?.profileAt && state.profileAt.getTime() > at.getTime()) return false;
    this.profileStates.set(key, { owner: profile.csmEmail, profileAt: at });
    this.profiles.set(key, profile);
    return true;
  }

  /** Writes the profiles kept, the latest of each account, in one statement. */
  async writeProfiles(): Promise<void> {
    await this.deps.accounts.upsertProfiles(this.m, [...this.profiles.values()]);
    this.profiles.clear();
  }

  live(workspaceId: string, trigger: PlaybookTriggerType): Promise<StoredPlaybook[]> {
    const key = `${workspaceId}\u0000${trigger}`;
    let found = this.playbooks.get(key);
    if (!found) {
      found = this.deps.store.live(this.m, [workspaceId], [trigger]);
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
  async finish(): Promise<number> {
    const { m, now } = this;
    // Sorted, so two runs upserting the same rows lock them in the same order.
    await this.deps.accounts.upsertEventsSeen(
      m,
      [...this.events.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v),
    );
    let started = (await this.deps.intake.apply(m, this.pending, now)).length;
    started += (await this.deps.intake.releaseProfiled(m, [...this.withProfile.values()], now)).length;
    // After the starts: a churned account's snapshot refused them, and what was running closes.
    await closeRunsOfChurned(m, this.deps, [...this.lost.values()], now);
    await this.deps.runs.markAlertResolved(m, this.resolved, now);
    await this.deps.runs.wakeWaitingOfAccounts(m, [...this.touched.values()], now);
    return started;
  }
}
