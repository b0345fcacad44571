import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { renewalTriggerKey, scheduleSlotKey } from '../playbooks/domain/trigger-timing';
import { PlaybookRepository, StoredPlaybook } from '../playbooks/playbook.repository';
import {
  TRIGGER_DECISION_RETENTION_DAYS,
  TriggerDecisionRepository,
} from '../decisions/trigger-decision.repository';
import { AccountProfileRepository } from './account-profile.repository';
import { TriggerIntake, TriggerRequest } from './trigger-intake';

const CHUNK = 1000;
const DAY_MS = 86_400_000;

/**
 * The triggers that time alone fires: N days before renewal, and schedules; the triggers that
 * waited for a profile past PLAYBOOK_PROFILE_WAIT_SECONDS; and the pruning of old decisions. Each occurrence has its own run
 * key (the renewal date, the schedule slot), so sweeping again, or two instances sweeping at
 * once, starts each run once.
 */
@Injectable()
export class TriggerSweep {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly intake: TriggerIntake,
    private readonly decisions: TriggerDecisionRepository,
    private readonly playbooks: PlaybookRepository,
    private readonly accounts: AccountProfileRepository,
  ) {}

  /** Starts what is due; returns how many runs will execute steps. */
  async run(now: Date): Promise<number> {
    const released = await this.intake.releaseExpired(now);
    await this.decisions.prune(new Date(now.getTime() - TRIGGER_DECISION_RETENTION_DAYS * DAY_MS));
    const playbooks = await this.playbooks.liveOfAnyWorkspace(['days_before_renewal', 'schedule']);
    let started = released;
    for (const playbook of playbooks) started += await this.sweepPlaybook(playbook, now);
    return started;
  }

  private async sweepPlaybook(playbook: StoredPlaybook, now: Date): Promise<number> {
    const trigger = playbook.definition.trigger;
    let slotKey: string | null = null;
    let candidates: string[];
    if (trigger.type === 'days_before_renewal') {
      const today = now.toISOString().slice(0, 10);
      const last = new Date(now.getTime() + trigger.days * DAY_MS).toISOString().slice(0, 10);
      candidates = await this.accounts.renewingBetween(playbook.workspaceId, today, last);
    } else if (trigger.type === 'schedule') {
      slotKey = scheduleSlotKey(trigger.every, now, new Date(playbook.updatedAt));
      if (slotKey === null) return 0;
      candidates = await this.accounts.profiledWithoutRun(playbook.workspaceId, playbook.id, slotKey);
    } else return 0;
    let started = 0;
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const chunk = candidates.slice(i, i + CHUNK);
      started += await this.dataSource.transaction(async (m) => {
        const renewals =
          trigger.type === 'days_before_renewal'
            ? await this.accounts.renewalDates(m, playbook.workspaceId, chunk)
            : new Map<string, string | null>();
        const correlationId = randomUUID();
        const requests: TriggerRequest[] = [];
        for (const accountId of chunk) {
          const key =
            trigger.type === 'days_before_renewal'
              ? renewalTriggerKey(renewals.get(accountId) ?? null, trigger.days, now)
              : slotKey;
          if (key === null) continue;
          requests.push({
            playbook,
            accountId,
            trigger: { type: trigger.type, ref: key, key },
            context: {},
            cause: { correlationId, causationId: null },
            triggeredAt: now.toISOString(),
            backfill: false,
          });
        }
        return (await this.intake.apply(m, requests, now)).length;
      });
    }
    return started;
  }
}
