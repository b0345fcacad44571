import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { renewalTriggerKey, scheduleSlotKey } from '../playbooks/domain/trigger-timing';
import { StoredPlaybook, toStoredPlaybook } from '../playbooks/playbook-store';
import {
  TRIGGER_DECISION_RETENTION_DAYS,
  TriggerDecisionRepository,
} from '../decisions/trigger-decision.repository';
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
  ) {}

  /** Starts what is due; returns how many runs will execute steps. */
  async run(now: Date): Promise<number> {
    const released = await this.intake.releaseExpired(now);
    await this.decisions.prune(new Date(now.getTime() - TRIGGER_DECISION_RETENTION_DAYS * DAY_MS));
    const rows: Parameters<typeof toStoredPlaybook>[0][] = await this.dataSource.query(
      `SELECT id, workspace_id, template, version, definition, created_at, updated_at FROM playbooks.playbooks
       WHERE trigger_type IN ('days_before_renewal', 'schedule') AND enabled AND deleted_at IS NULL ORDER BY id`,
    );
    let started = released;
    for (const playbook of rows.map(toStoredPlaybook)) started += await this.sweepPlaybook(playbook, now);
    return started;
  }

  private async sweepPlaybook(playbook: StoredPlaybook, now: Date): Promise<number> {
    const trigger = playbook.definition.trigger;
    let slotKey: string | null = null;
    let candidates: string[];
    if (trigger.type === 'days_before_renewal') {
      const today = now.toISOString().slice(0, 10);
      const last = new Date(now.getTime() + trigger.days * DAY_MS).toISOString().slice(0, 10);
      const found: { account_id: string }[] = await this.dataSource.query(
        `SELECT account_id FROM playbooks.accounts WHERE workspace_id = $1 AND profile_at IS NOT NULL
           AND left(renewal_date, 10) BETWEEN $2 AND $3 ORDER BY account_id`,
        [playbook.workspaceId, today, last],
      );
      candidates = found.map((f) => f.account_id);
    } else if (trigger.type === 'schedule') {
      slotKey = scheduleSlotKey(trigger.every, now, new Date(playbook.updatedAt));
      if (slotKey === null) return 0;
      const found: { account_id: string }[] = await this.dataSource.query(
        `SELECT account_id FROM playbooks.accounts a WHERE workspace_id = $1 AND profile_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM playbooks.runs r WHERE r.playbook_id = $2 AND r.account_id = a.account_id AND r.trigger_key = $3)
         ORDER BY account_id`,
        [playbook.workspaceId, playbook.id, slotKey],
      );
      candidates = found.map((f) => f.account_id);
    } else return 0;
    let started = 0;
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const chunk = candidates.slice(i, i + CHUNK);
      started += await this.dataSource.transaction(async (m) => {
        const renewals = new Map<string, string | null>();
        if (trigger.type === 'days_before_renewal') {
          const rows: { account_id: string; renewal_date: string | null }[] = await m.query(
            `SELECT account_id, renewal_date FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = ANY($2)`,
            [playbook.workspaceId, chunk],
          );
          for (const r of rows) renewals.set(r.account_id, r.renewal_date);
        }
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
