-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.memberships.accountsOfUsers
SELECT workspace_id, user_id, account_id FROM health_scoring.memberships
JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, user_id) USING (workspace_id, user_id);

-- health-scoring.memberships.keepUnattributed
INSERT INTO health_scoring.unattributed_events (workspace_id, user_id, event_id, envelope)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING;

-- health-scoring.memberships.releaseUnattributed
DELETE FROM health_scoring.unattributed_events u
USING jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "userId" text, "accountId" text)
WHERE u.workspace_id = r."workspaceId" AND u.user_id = r."userId"
RETURNING u.envelope, r."accountId" AS account_id;

-- health-scoring.memberships.upsertMemberships
INSERT INTO health_scoring.memberships AS ms (workspace_id, user_id, account_id, joined_at)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "userId" text, "accountId" text, at timestamptz)
ON CONFLICT (workspace_id, user_id) DO UPDATE SET account_id = EXCLUDED.account_id, joined_at = EXCLUDED.joined_at
  WHERE ms.joined_at <= EXCLUDED.joined_at;
