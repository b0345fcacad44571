import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PlaybooksConfig } from '../config/playbooks.config';
import {
  PendingTrigger,
  TriggerDecision,
  TriggerDecisionRepository,
} from '../decisions/trigger-decision.repository';
import { gateTrigger } from '../playbooks/domain/trigger-gate';
import { PlaybookStore, StoredPlaybook } from '../playbooks/playbook-store';
import { RunRepository } from '../runs/run.repository';
import { AccountProfileRepository } from './account-profile.repository';
import { accountKey, unknownAccount } from './account-store';
import { StartRequest, decisionOf, startRuns } from './run-starter';

/** A trigger that fired for an account, before anything is known about what it does. */
export interface TriggerRequest extends Omit<StartRequest, 'account' | 'note'> {
  readonly accountId: string;
  /** The message carries history (an import, a state of the past). */
  readonly backfill: boolean;
  /** Set when the trigger was parked waiting for the profile. */
  readonly waitingSince?: string | null;
}

const EXPIRED_CHUNK = 500;

/**
 * Where every trigger goes (signals, the sweep, parked ones): history and triggers older than
 * the horizon start nothing; a trigger on an account with no profile yet is parked (a row) until
 * the profile comes or the wait is over; the rest go to startRuns. Every outcome is recorded.
 */
@Injectable()
export class TriggerIntake {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly decisions: TriggerDecisionRepository,
    private readonly store: PlaybookStore,
    private readonly config: PlaybooksConfig,
    private readonly accounts: AccountProfileRepository,
    private readonly runs: RunRepository,
  ) {}

  /** Decides the requests in the caller's transaction; returns the ids of the runs that will execute. */
  async apply(m: EntityManager, requests: readonly TriggerRequest[], now: Date): Promise<string[]> {
    if (requests.length === 0) return [];
    const accounts = await this.accounts.load(
      m,
      requests.map((r) => ({ workspaceId: r.playbook.workspaceId, accountId: r.accountId })),
    );
    const decided: TriggerDecision[] = [];
    const parked: PendingTrigger[] = [];
    const starts: StartRequest[] = [];
    for (const request of requests) {
      const account =
        accounts.get(accountKey(request.playbook.workspaceId, request.accountId)) ??
        unknownAccount(request.playbook.workspaceId, request.accountId);
      const verdict = gateTrigger({
        triggeredAt: request.triggeredAt,
        backfill: request.backfill,
        profiled: account.profiled,
        waitingSince: request.waitingSince ?? null,
        now,
        horizonMs: this.config.PLAYBOOK_TRIGGER_MAX_AGE_HOURS * 3_600_000,
        profileWaitMs: this.config.PLAYBOOK_PROFILE_WAIT_SECONDS * 1000,
      });
      if (verdict.kind === 'skip') decided.push(decisionOf(request, verdict.outcome, verdict.detail));
      else if (verdict.kind === 'wait') {
        parked.push({
          workspaceId: request.playbook.workspaceId,
          accountId: request.accountId,
          playbookId: request.playbook.id,
          triggerType: request.trigger.type,
          triggerRef: request.trigger.ref,
          triggerKey: request.trigger.key,
          context: request.context,
          correlationId: request.cause.correlationId,
          causationId: request.cause.causationId,
          triggeredAt: request.triggeredAt,
          waitingSince: request.waitingSince ?? now.toISOString(),
          waitUntil: verdict.until,
        });
        decided.push(
          decisionOf(request, 'waiting_for_profile', `no profile yet: waits until ${verdict.until}`),
        );
      } else
        starts.push({
          ...request,
          account,
          note:
            verdict.note ??
            (request.waitingSince ? `waited for the profile since ${request.waitingSince}` : null),
        });
    }
    await this.decisions.park(m, parked);
    const { running, decisions } = await startRuns(m, this.runs, starts, now);
    await this.decisions.record(m, [...decided, ...decisions], now);
    return running;
  }

  /** The parked triggers of these accounts, now that they have a profile, decided in the caller's transaction. */
  async releaseProfiled(
    m: EntityManager,
    accounts: readonly { workspaceId: string; accountId: string }[],
    now: Date,
  ): Promise<string[]> {
    return this.release(m, await this.decisions.takeProfiled(m, accounts), now);
  }

  /** Parked triggers whose wait is over, evaluated on what is known; returns how many runs will execute. */
  async releaseExpired(now: Date): Promise<number> {
    let started = 0;
    for (;;) {
      const { taken, running } = await this.dataSource.transaction(async (m) => {
        const pending = await this.decisions.takeExpired(m, now, EXPIRED_CHUNK);
        return { taken: pending.length, running: await this.release(m, pending, now) };
      });
      started += running.length;
      if (taken < EXPIRED_CHUNK) return started;
    }
  }

  private async release(m: EntityManager, pending: readonly PendingTrigger[], now: Date): Promise<string[]> {
    if (pending.length === 0) return [];
    const live = new Map<string, StoredPlaybook>();
    const workspaces = [...new Set(pending.map((p) => p.workspaceId))];
    const triggers = [...new Set(pending.map((p) => p.triggerType))];
    for (const playbook of await this.store.live(m, workspaces, triggers)) live.set(playbook.id, playbook);
    const gone: TriggerDecision[] = [];
    const requests: TriggerRequest[] = [];
    for (const p of pending) {
      const playbook = live.get(p.playbookId);
      const request = {
        accountId: p.accountId,
        trigger: { type: p.triggerType, ref: p.triggerRef, key: p.triggerKey },
        context: p.context,
        cause: { correlationId: p.correlationId, causationId: p.causationId },
        triggeredAt: p.triggeredAt,
        backfill: false,
        waitingSince: p.waitingSince,
      };
      if (playbook) requests.push({ ...request, playbook });
      else
        gone.push({
          workspaceId: p.workspaceId,
          accountId: p.accountId,
          playbookId: p.playbookId,
          playbookName: '',
          triggerType: p.triggerType,
          triggerRef: p.triggerRef,
          triggerKey: p.triggerKey,
          outcome: 'playbook_disabled',
          detail: 'the playbook was disabled or deleted while the trigger waited',
          runId: null,
          triggeredAt: p.triggeredAt,
        });
    }
    await this.decisions.record(m, gone, now);
    return this.apply(m, requests, now);
  }
}
