-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.accounts.addScorePoints
INSERT INTO alerting.score_points (workspace_id, account_id, at, score)
SELECT r."workspaceId", r."accountId", r.at, r.score
FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz, score numeric)
ON CONFLICT DO NOTHING;

-- alerting.accounts.allKeys
SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM alerting.accounts
ORDER BY workspace_id, account_id;

-- alerting.accounts.keysOfWorkspace
SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM alerting.accounts
WHERE workspace_id = $1 ORDER BY account_id;

-- alerting.accounts.lockAccounts
SELECT pg_advisory_xact_lock(h) FROM (
  SELECT hashtextextended(k, 0) AS h FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
) s;

-- alerting.accounts.pruneScorePoints
DELETE FROM alerting.score_points p WHERE p.at < $1::timestamptz - make_interval(days => $2)
  AND EXISTS (SELECT 1 FROM alerting.score_points q WHERE q.workspace_id = p.workspace_id
    AND q.account_id = p.account_id AND q.at > p.at AND q.at < $1::timestamptz - make_interval(days => $2));

-- alerting.accounts.scorePointsSince
SELECT p.workspace_id AS "workspaceId", p.account_id AS "accountId", p.at, p.score
FROM alerting.score_points p
JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON p.workspace_id = k.w AND p.account_id = k.acc
WHERE p.at >= $3
UNION ALL
SELECT b.workspace_id, b.account_id, b.at, b.score
FROM unnest($1::text[], $2::text[]) AS k(w, acc)
CROSS JOIN LATERAL (
  SELECT p.workspace_id, p.account_id, p.at, p.score FROM alerting.score_points p
  WHERE p.workspace_id = k.w AND p.account_id = k.acc AND p.at < $3 ORDER BY p.at DESC LIMIT 1
) b;

-- alerting.accounts.snapshotsOf
SELECT a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.snapshot
FROM alerting.accounts a
JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON a.workspace_id = k.w AND a.account_id = k.acc;

-- alerting.accounts.upsertSnapshots
INSERT INTO alerting.accounts AS a (workspace_id, account_id, as_of, snapshot)
SELECT r."workspaceId", r."accountId", r."asOf", r.snapshot
FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "asOf" timestamptz, snapshot jsonb)
ON CONFLICT (workspace_id, account_id) DO UPDATE SET as_of = EXCLUDED.as_of, snapshot = EXCLUDED.snapshot
  WHERE a.as_of <= EXCLUDED.as_of;
