-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.account-outlook.upsert
INSERT INTO reporting.account_outlook AS o (workspace_id, account_id, as_of, event_id, renewal_date, churn_risk)
SELECT DISTINCT ON ("workspaceId", "accountId") "workspaceId", "accountId", "asOf", "eventId", "renewalDate", "churnRisk"
FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "asOf" timestamptz, "eventId" text, "renewalDate" date, "churnRisk" jsonb)
ORDER BY "workspaceId", "accountId", "asOf" DESC, "eventId" DESC
ON CONFLICT (workspace_id, account_id) DO UPDATE SET as_of = EXCLUDED.as_of, event_id = EXCLUDED.event_id,
  renewal_date = EXCLUDED.renewal_date, churn_risk = EXCLUDED.churn_risk
WHERE (EXCLUDED.as_of, EXCLUDED.event_id) > (o.as_of, o.event_id);
