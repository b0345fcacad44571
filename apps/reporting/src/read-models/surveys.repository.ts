import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import type { SurveyResponse } from './domain/event-rows';

const responses = recordset({
  id: 'text',
  ws: 'text',
  account: 'text',
  respondent: 'text',
  survey: 'text',
  score: 'smallint',
  at: 'timestamptz',
  month: 'date',
});

const sql = defineStatements('reporting.surveys', {
  insertResponses: `
    INSERT INTO reporting.survey_responses (event_id, workspace_id, account_id, respondent, survey, score, occurred_at, month)
    SELECT id, ws, account, respondent, survey, score, at, month FROM ${responses}
    ON CONFLICT DO NOTHING`,
  // Latest answer per respondent and month: later event time wins, then the larger event id.
  keepLatestNps: `
    INSERT INTO reporting.nps_latest AS n (workspace_id, month, respondent, account_id, score, occurred_at, event_id)
    SELECT DISTINCT ON (ws, month, respondent) ws, month, respondent, account, score, at, id
    FROM ${responses}
    WHERE survey = 'nps'
    ORDER BY ws, month, respondent, at DESC, id DESC
    ON CONFLICT (workspace_id, month, respondent) DO UPDATE SET account_id = EXCLUDED.account_id,
      score = EXCLUDED.score, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
    WHERE (EXCLUDED.occurred_at, EXCLUDED.event_id) > (n.occurred_at, n.event_id)`,
});

/** Survey answers, and each respondent's latest NPS answer per month. */
@Injectable()
export class SurveysRepository {
  /** Records answers (a replayed one adds nothing) and keeps the latest NPS answers, in the caller's transaction. */
  async record(m: EntityManager, answers: readonly SurveyResponse[]): Promise<void> {
    if (answers.length === 0) return;
    const rows = recordsetParam(answers);
    await m.query(sql.insertResponses, [rows]);
    await m.query(sql.keepLatestNps, [rows]);
  }
}
