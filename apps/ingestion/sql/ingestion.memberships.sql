-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.memberships.accountsOf
SELECT actor, account_id AS "accountId"
  FROM ingestion.memberships
 WHERE workspace_id = $1 AND actor = ANY($2::text[]);

-- ingestion.memberships.record
INSERT INTO ingestion.memberships AS m (workspace_id, actor, account_id, joined_at)
SELECT $1, r.actor, r."accountId", r.at
  FROM jsonb_to_recordset($2::jsonb) AS r(actor text, "accountId" text, at timestamptz)
ON CONFLICT (workspace_id, actor) DO UPDATE
  SET account_id = EXCLUDED.account_id, joined_at = EXCLUDED.joined_at
  WHERE m.joined_at <= EXCLUDED.joined_at;
