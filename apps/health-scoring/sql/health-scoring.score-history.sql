-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.score-history.addPoints
INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, band, computed_score, coverage, reason, backfill, measures)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz, score numeric, band text, "computedScore" numeric, coverage numeric, reason text, backfill boolean, measures jsonb);

-- health-scoring.score-history.backfilledDaysAfter
SELECT DISTINCT k.workspace_id, k.account_id, (h.at AT TIME ZONE 'UTC')::date::text AS day
FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(workspace_id, account_id, after)
JOIN health_scoring.score_history h
  ON h.workspace_id = k.workspace_id AND h.account_id = k.account_id AND h.at > k.after AND h.backfill;

-- health-scoring.score-history.deleteRebuiltPoints
DELETE FROM health_scoring.score_history h
USING jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz, backfill boolean)
WHERE r.backfill AND h.backfill AND h.workspace_id = r."workspaceId" AND h.account_id = r."accountId" AND h.at = r.at;

-- health-scoring.score-history.pointsBefore
SELECT k.workspace_id, k.account_id, h.score, h.band, h.computed_score, h.coverage
FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(workspace_id, account_id, before)
CROSS JOIN LATERAL (SELECT score, band, computed_score, coverage FROM health_scoring.score_history h
  WHERE h.workspace_id = k.workspace_id AND h.account_id = k.account_id AND h.at < k.before
  ORDER BY at DESC, id DESC LIMIT 1) h;
