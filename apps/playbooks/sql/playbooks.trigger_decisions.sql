-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.trigger_decisions.page
SELECT * FROM playbooks.trigger_decisions
WHERE workspace_id = $1
  AND ($2::text IS NULL OR account_id = $2)
  AND ($3::text IS NULL OR playbook_id::text = $3)
  AND ($4::text IS NULL OR outcome = $4)
  AND ($5::bigint IS NULL OR seq < $5::bigint)
ORDER BY seq DESC LIMIT $6;

-- playbooks.trigger_decisions.park
INSERT INTO playbooks.pending_triggers (workspace_id, account_id, playbook_id, trigger_type, trigger_ref, trigger_key,
  context, correlation_id, causation_id, triggered_at, waiting_since, wait_until)
SELECT r."workspaceId", r."accountId", r."playbookId", r."triggerType", r."triggerRef", r."triggerKey", r.context,
  r."correlationId", r."causationId", r."triggeredAt", r."waitingSince", r."waitUntil"
FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "playbookId" uuid, "triggerType" text, "triggerRef" text, "triggerKey" text, context jsonb, "correlationId" text, "causationId" text, "triggeredAt" timestamptz, "waitingSince" timestamptz, "waitUntil" timestamptz)
ON CONFLICT DO NOTHING;

-- playbooks.trigger_decisions.prune
DELETE FROM playbooks.trigger_decisions WHERE decided_at < $1;

-- playbooks.trigger_decisions.record
INSERT INTO playbooks.trigger_decisions (workspace_id, account_id, playbook_id, playbook_name, trigger_type, trigger_ref,
  trigger_key, outcome, detail, run_id, triggered_at, decided_at)
SELECT r."workspaceId", r."accountId", r."playbookId",
  coalesce(nullif(r."playbookName", ''), (SELECT p.name FROM playbooks.playbooks p WHERE p.id = r."playbookId"), ''),
  r."triggerType", r."triggerRef", r."triggerKey",
  r.outcome, r.detail, r."runId", r."triggeredAt", $2
FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "playbookId" uuid, "playbookName" text, "triggerType" text, "triggerRef" text, "triggerKey" text, outcome text, detail text, "runId" uuid, "triggeredAt" timestamptz)
ON CONFLICT DO NOTHING;

-- playbooks.trigger_decisions.takeExpired
DELETE FROM playbooks.pending_triggers p WHERE (p.playbook_id, p.account_id, p.trigger_key) IN (
  SELECT playbook_id, account_id, trigger_key FROM playbooks.pending_triggers WHERE wait_until <= $1
  ORDER BY wait_until LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING p.*;

-- playbooks.trigger_decisions.takeProfiled
DELETE FROM playbooks.pending_triggers p USING unnest($1::text[], $2::text[]) AS k(workspace_id, account_id),
  playbooks.accounts a
WHERE p.workspace_id = k.workspace_id AND p.account_id = k.account_id
  AND a.workspace_id = p.workspace_id AND a.account_id = p.account_id AND a.profile_at IS NOT NULL
RETURNING p.*;
