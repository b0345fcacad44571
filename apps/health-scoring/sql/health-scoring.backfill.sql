-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.backfill.mark
INSERT INTO health_scoring.backfill_pending AS p (workspace_id, account_id, last_at, previous, days)
SELECT r."workspaceId", r."accountId", $2, r.previous, r.days::date[]
FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, previous jsonb, days text[])
ON CONFLICT (workspace_id, account_id) DO UPDATE SET last_at = EXCLUDED.last_at,
  days = ARRAY(SELECT DISTINCT d FROM unnest(p.days || EXCLUDED.days) AS d ORDER BY d);

-- health-scoring.backfill.pendingCount
SELECT count(*)::int AS n FROM health_scoring.backfill_pending WHERE workspace_id = $1;

-- health-scoring.backfill.settledCandidates
  SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM health_scoring.backfill_pending p
  WHERE p.last_at <= $1 AND (p.last_at <= $2 OR NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending q
WHERE q.workspace_id = p.workspace_id AND q.last_at > $1)) ORDER BY workspace_id, account_id LIMIT $3;

-- health-scoring.backfill.takeSettled
  DELETE FROM health_scoring.backfill_pending p USING unnest($3::text[], $4::text[]) AS k(workspace_id, account_id)
  WHERE p.workspace_id = k.workspace_id AND p.account_id = k.account_id AND p.last_at <= $1 AND (p.last_at <= $2 OR NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending q
WHERE q.workspace_id = p.workspace_id AND q.last_at > $1))
  RETURNING p.workspace_id, p.account_id, p.previous, p.days::text[] AS days;
