-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.surveys.insertResponses
INSERT INTO reporting.survey_responses (event_id, workspace_id, account_id, respondent, survey, score, occurred_at, month)
SELECT id, ws, account, respondent, survey, score, at, month FROM jsonb_to_recordset($1::jsonb) AS r(id text, ws text, account text, respondent text, survey text, score smallint, at timestamptz, month date)
ON CONFLICT DO NOTHING;

-- reporting.surveys.keepLatestNps
INSERT INTO reporting.nps_latest AS n (workspace_id, month, respondent, account_id, score, occurred_at, event_id)
SELECT DISTINCT ON (ws, month, respondent) ws, month, respondent, account, score, at, id
FROM jsonb_to_recordset($1::jsonb) AS r(id text, ws text, account text, respondent text, survey text, score smallint, at timestamptz, month date)
WHERE survey = 'nps'
ORDER BY ws, month, respondent, at DESC, id DESC
ON CONFLICT (workspace_id, month, respondent) DO UPDATE SET account_id = EXCLUDED.account_id,
  score = EXCLUDED.score, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
WHERE (EXCLUDED.occurred_at, EXCLUDED.event_id) > (n.occurred_at, n.event_id);
