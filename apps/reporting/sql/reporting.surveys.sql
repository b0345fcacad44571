-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.surveys.addToTotals
INSERT INTO reporting.survey_month_totals AS t
  (workspace_id, month, nps_respondents, promoters, detractors, csat_responses, csat_satisfied)
SELECT ws, month, "npsRespondents", promoters, detractors, "csatResponses", "csatSatisfied"
FROM jsonb_to_recordset($1::jsonb) AS r(ws text, month date, "npsRespondents" int, promoters int, detractors int, "csatResponses" int, "csatSatisfied" int)
ON CONFLICT (workspace_id, month) DO UPDATE SET nps_respondents = t.nps_respondents + EXCLUDED.nps_respondents,
  promoters = t.promoters + EXCLUDED.promoters, detractors = t.detractors + EXCLUDED.detractors,
  csat_responses = t.csat_responses + EXCLUDED.csat_responses,
  csat_satisfied = t.csat_satisfied + EXCLUDED.csat_satisfied;

-- reporting.surveys.insertResponses
INSERT INTO reporting.survey_responses (event_id, workspace_id, account_id, respondent, survey, score, occurred_at, month)
SELECT id, ws, account, respondent, survey, score, at, month FROM jsonb_to_recordset($1::jsonb) AS r(id text, ws text, account text, respondent text, survey text, score smallint, at timestamptz, month date)
ON CONFLICT DO NOTHING
RETURNING workspace_id AS ws, month::text AS month, survey, score;

-- reporting.surveys.keepLatestNps
WITH incoming AS (
  SELECT DISTINCT ON (ws, month, respondent) ws, month, respondent, account, score, at, id
  FROM jsonb_to_recordset($1::jsonb) AS r(id text, ws text, account text, respondent text, survey text, score smallint, at timestamptz, month date)
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
FROM stored s LEFT JOIN previous p USING (workspace_id, month, respondent);

-- reporting.surveys.lockWorkspace
SELECT pg_advisory_xact_lock(hashtext($1));
