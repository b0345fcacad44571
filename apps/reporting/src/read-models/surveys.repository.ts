import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { StoredCsat, StoredNps, SurveyMonthDelta, surveyMonthDeltas } from './domain/kpi-month-totals';
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
  lockWorkspace: 'SELECT pg_advisory_xact_lock(hashtext($1))',
  insertResponses: `
    INSERT INTO reporting.survey_responses (event_id, workspace_id, account_id, respondent, survey, score, occurred_at, month)
    SELECT id, ws, account, respondent, survey, score, at, month FROM ${responses}
    ON CONFLICT DO NOTHING
    RETURNING workspace_id AS ws, month::text AS month, survey, score`,
  // Latest answer per respondent and month: later event time wins, then the larger event id. Each
  // stored answer comes back with the score it replaced (read before the statement, under the
  // workspace's survey lock).
  keepLatestNps: `
    WITH incoming AS (
      SELECT DISTINCT ON (ws, month, respondent) ws, month, respondent, account, score, at, id
      FROM ${responses}
      WHERE survey = 'nps'
      ORDER BY ws, month, respondent, at DESC, id DESC
    ), previous AS (
      SELECT n.workspace_id, n.month, n.respondent, n.score
      FROM reporting.nps_latest n
      JOIN incoming i ON n.workspace_id = i.ws AND n.month = i.month AND n.respondent = i.respondent
    ), stored AS (
      INSERT INTO reporting.nps_latest AS n (workspace_id, month, respondent, account_id, score, occurred_at, event_id)
      SELECT ws, month, respondent, account, score, at, id FROM incoming
      ON CONFLICT (workspace_id, month, respondent) DO UPDATE SET account_id = EXCLUDED.account_id,
        score = EXCLUDED.score, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
      WHERE (EXCLUDED.occurred_at, EXCLUDED.event_id) > (n.occurred_at, n.event_id)
      RETURNING n.workspace_id, n.month, n.respondent, n.score
    )
    SELECT s.workspace_id AS ws, s.month::text AS month, s.score, p.score AS previous
    FROM stored s LEFT JOIN previous p USING (workspace_id, month, respondent)`,
  addToTotals: `
    INSERT INTO reporting.survey_month_totals AS t
      (workspace_id, month, nps_respondents, promoters, detractors, csat_responses, csat_satisfied)
    SELECT ws, month, "npsRespondents", promoters, detractors, "csatResponses", "csatSatisfied"
    FROM ${recordset({
      ws: 'text',
      month: 'date',
      npsRespondents: 'int',
      promoters: 'int',
      detractors: 'int',
      csatResponses: 'int',
      csatSatisfied: 'int',
    })}
    ON CONFLICT (workspace_id, month) DO UPDATE SET nps_respondents = t.nps_respondents + EXCLUDED.nps_respondents,
      promoters = t.promoters + EXCLUDED.promoters, detractors = t.detractors + EXCLUDED.detractors,
      csat_responses = t.csat_responses + EXCLUDED.csat_responses,
      csat_satisfied = t.csat_satisfied + EXCLUDED.csat_satisfied`,
});

/**
 * Survey answers, each respondent's latest NPS answer per month, and each workspace month's
 * survey counts (kept by delta, so that the unsliced KPI report reads a row per month).
 */
@Injectable()
export class SurveysRepository {
  /**
   * Records answers (a replayed one adds nothing), keeps the latest NPS answers and adds what
   * changed to the month counts, in the caller's transaction. The survey writes of a workspace
   * are serialised until it ends, so that an answer's predecessor is read as it stands.
   */
  async record(m: EntityManager, answers: readonly SurveyResponse[]): Promise<void> {
    if (answers.length === 0) return;
    for (const ws of [...new Set(answers.map((a) => a.ws))].sort())
      await m.query(sql.lockWorkspace, [`reporting.surveys:${ws}`]);
    const rows = recordsetParam(answers);
    const inserted = returnedRows<StoredCsat & { survey: string }>(
      await m.query(sql.insertResponses, [rows]),
    );
    const nps: StoredNps[] = await m.query(sql.keepLatestNps, [rows]);
    const deltas: SurveyMonthDelta[] = surveyMonthDeltas(
      inserted.filter((r) => r.survey === 'csat'),
      nps,
    );
    if (deltas.length > 0) await m.query(sql.addToTotals, [recordsetParam(deltas)]);
  }
}
