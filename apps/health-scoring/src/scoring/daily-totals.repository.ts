import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, keyArrays, recordset, recordsetParam } from '@tsuzuku/platform-database';
import { ActiveUserDay, DayDelta } from './domain/event-fold';

const SQL = defineStatements('health-scoring.daily-totals', {
  addDays: `
    INSERT INTO health_scoring.account_days AS d (workspace_id, account_id, day, events, sign_ins, key_feature_uses,
      onboarding_steps, tickets_opened, p1_opened, tickets_resolved, p1_resolved, survey_responses, csat_sum,
      csat_count, engagement_events, outcomes)
    SELECT * FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      day: 'date',
      events: 'int',
      signIns: 'int',
      keyFeatureUses: 'int',
      onboardingSteps: 'int',
      ticketsOpened: 'int',
      p1Opened: 'int',
      ticketsResolved: 'int',
      p1Resolved: 'int',
      surveyResponses: 'int',
      csatSum: 'int',
      csatCount: 'int',
      engagementEvents: 'int',
      outcomes: 'int',
    })}
    ON CONFLICT (workspace_id, account_id, day) DO UPDATE SET
      events = d.events + EXCLUDED.events, sign_ins = d.sign_ins + EXCLUDED.sign_ins,
      key_feature_uses = d.key_feature_uses + EXCLUDED.key_feature_uses,
      onboarding_steps = d.onboarding_steps + EXCLUDED.onboarding_steps,
      tickets_opened = d.tickets_opened + EXCLUDED.tickets_opened, p1_opened = d.p1_opened + EXCLUDED.p1_opened,
      tickets_resolved = d.tickets_resolved + EXCLUDED.tickets_resolved,
      p1_resolved = d.p1_resolved + EXCLUDED.p1_resolved,
      survey_responses = d.survey_responses + EXCLUDED.survey_responses, csat_sum = d.csat_sum + EXCLUDED.csat_sum,
      csat_count = d.csat_count + EXCLUDED.csat_count,
      engagement_events = d.engagement_events + EXCLUDED.engagement_events, outcomes = d.outcomes + EXCLUDED.outcomes`,
  addActiveUsers: `
    INSERT INTO health_scoring.account_user_days (workspace_id, account_id, day, user_id)
    SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[]) ON CONFLICT DO NOTHING`,
});

/** Each account's totals per day (account_days) and its active users per day (account_user_days). */
@Injectable()
export class DailyTotalsRepository {
  /** Adds a run's deltas to the days' totals (rows written in key order, so runs never deadlock). */
  async addDays(m: EntityManager, deltas: readonly DayDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const sortKey = (d: DayDelta) => `${d.workspaceId}\u0000${d.accountId}\u0000${d.day}`;
    const sorted = [...deltas].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    await m.query(SQL.addDays, [recordsetParam(sorted)]);
  }

  /** Records users as active for their accounts on their days (once each). */
  async addActiveUsers(m: EntityManager, rows: readonly ActiveUserDay[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(SQL.addActiveUsers, [
      ...keyArrays(rows),
      rows.map((r) => r.day),
      rows.map((r) => r.userId),
    ]);
  }
}
