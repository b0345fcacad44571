-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.account-activity.addMrrPoints
INSERT INTO health_scoring.mrr_points AS p (workspace_id, account_id, at, mrr)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz, mrr numeric)
ON CONFLICT (workspace_id, account_id, at) DO UPDATE SET mrr = EXCLUDED.mrr;

-- health-scoring.account-activity.addNotableEvents
INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "eventId" text, "occurredAt" timestamptz, name text, detail jsonb)
ON CONFLICT DO NOTHING;

-- health-scoring.account-activity.saveTickets
INSERT INTO health_scoring.tickets AS t (workspace_id, ticket_id, account_id, priority, opened_at, resolved_at)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "ticketId" text, "accountId" text, priority text, "openedAt" timestamptz, "resolvedAt" timestamptz)
ON CONFLICT (workspace_id, ticket_id) DO UPDATE SET
  priority = coalesce(EXCLUDED.priority, t.priority),
  opened_at = coalesce(t.opened_at, EXCLUDED.opened_at),
  resolved_at = coalesce(EXCLUDED.resolved_at, t.resolved_at);
