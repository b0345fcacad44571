-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.activity.addToTotals
INSERT INTO reporting.activity_totals AS t (workspace_id, month, active_accounts, users, user_days)
SELECT ws, month, accounts, users, "userDays"
FROM jsonb_to_recordset($1::jsonb) AS r(ws text, month date, accounts int, users int, "userDays" int)
ON CONFLICT (workspace_id, month) DO UPDATE SET active_accounts = t.active_accounts + EXCLUDED.active_accounts,
  users = t.users + EXCLUDED.users, user_days = t.user_days + EXCLUDED.user_days;

-- reporting.activity.addUserDays
INSERT INTO reporting.activity_user_days AS d (workspace_id, month, account_id, user_id, days)
SELECT ws, month, account, "user", days
FROM jsonb_to_recordset($1::jsonb) AS r(ws text, month date, account text, "user" text, days int)
ON CONFLICT (workspace_id, month, account_id, user_id) DO UPDATE SET days = d.days | EXCLUDED.days
WHERE d.days | EXCLUDED.days <> d.days;

-- reporting.activity.insertAccounts
INSERT INTO reporting.activity_accounts (workspace_id, month, account_id)
SELECT ws, month, account FROM jsonb_to_recordset($1::jsonb) AS r(ws text, month date, account text)
ON CONFLICT DO NOTHING RETURNING workspace_id AS ws, month::text AS month;

-- reporting.activity.lockWorkspace
SELECT pg_advisory_xact_lock(hashtext($1));

-- reporting.activity.upsertUsers
INSERT INTO reporting.activity_users AS u (workspace_id, month, user_id, days)
SELECT ws, month, "user", days FROM jsonb_to_recordset($1::jsonb) AS r(ws text, month date, "user" text, days int)
ON CONFLICT (workspace_id, month, user_id) DO UPDATE SET days = EXCLUDED.days;

-- reporting.activity.userDays
SELECT u.workspace_id AS ws, u.month::text AS month, u.user_id AS "user", u.days
FROM reporting.activity_users u
JOIN jsonb_to_recordset($1::jsonb) AS r(ws text, month date, "user" text)
  ON u.workspace_id = r.ws AND u.month = r.month AND u.user_id = r."user";
