-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.runs.byId
SELECT * FROM playbooks.runs WHERE workspace_id = $1 AND id::text = $2;

-- playbooks.runs.byIdForUpdate
SELECT * FROM playbooks.runs WHERE workspace_id = $1 AND id::text = $2 FOR UPDATE;

-- playbooks.runs.cancel
UPDATE playbooks.runs SET status = 'cancelled', reason = $2, next_at = NULL, finished_at = $3, updated_at = $3 WHERE id = $1;

-- playbooks.runs.claimDue
SELECT id, workspace_id, account_id, playbook_id, version, playbook_name, status, trigger_type, trigger_ref, context, current_step, wait_started_at, attempts, alert_resolved, correlation_id, trace_context, started_at
FROM playbooks.runs WHERE status = 'running' AND next_at <= $1
ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED;

-- playbooks.runs.correlationOf
SELECT correlation_id FROM playbooks.runs WHERE id = $1;

-- playbooks.runs.exitRunningOfAccounts
UPDATE playbooks.runs r SET status = 'exited', reason = $3, next_at = NULL, finished_at = $4, updated_at = $4
FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
WHERE r.workspace_id = k.workspace_id AND r.account_id = k.account_id AND r.status = 'running'
RETURNING r.*;

-- playbooks.runs.insertMany
INSERT INTO playbooks.runs (id, workspace_id, account_id, playbook_id, version, playbook_name, status, trigger_type,
  trigger_ref, trigger_key, context, current_step, next_at, correlation_id, causation_id, trace_context, reason, started_at,
  finished_at, updated_at)
SELECT r.id, r."workspaceId", r."accountId", r."playbookId", r.version, r."playbookName", r.status, r."triggerType",
  r."triggerRef", r."triggerKey", r.context, r."currentStep", r."nextAt", r."correlationId", r."causationId",
  r."traceContext", r.reason, $2, r."finishedAt", $2
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "accountId" text, "playbookId" uuid, version int, "playbookName" text, status text, "triggerType" text, "triggerRef" text, "triggerKey" text, context jsonb, "currentStep" text, "nextAt" timestamptz, "correlationId" text, "causationId" text, "traceContext" jsonb, reason text, "finishedAt" timestamptz)
ON CONFLICT DO NOTHING RETURNING id;

-- playbooks.runs.insertStepExecutions
INSERT INTO playbooks.step_executions (run_id, step_id, step_type, idempotency_key, outcome, attempts, detail, executed_at)
SELECT r."runId", r."stepId", r."stepType", r.key, r.outcome, r.attempts, r.detail, $2
FROM jsonb_to_recordset($1::jsonb) AS r("runId" uuid, "stepId" text, "stepType" text, key text, outcome text, attempts int, detail text);

-- playbooks.runs.markAlertResolved
UPDATE playbooks.runs r SET alert_resolved = true, next_at = $3
FROM unnest($1::text[], $2::text[]) AS k(workspace_id, alert_id)
WHERE r.workspace_id = k.workspace_id AND r.trigger_ref = k.alert_id AND r.trigger_type = 'alert_raised'
  AND r.status = 'running';

-- playbooks.runs.page
SELECT * FROM playbooks.runs
WHERE workspace_id = $1
  AND ($2::text IS NULL OR account_id = $2)
  AND ($3::text IS NULL OR playbook_id::text = $3)
  AND ($4::text IS NULL OR status = $4)
  AND ($5::bigint IS NULL OR seq < $5::bigint)
ORDER BY seq DESC LIMIT $6;

-- playbooks.runs.stepExecutionsOfRuns
SELECT run_id, step_id, outcome, attempts, detail, executed_at FROM playbooks.step_executions
WHERE run_id = ANY($1::uuid[]);

-- playbooks.runs.updateProgress
UPDATE playbooks.runs AS t SET status = r.status, current_step = r."currentStep", wait_started_at = r."waitStartedAt",
  attempts = r.attempts, last_error = r."lastError", next_at = r."nextAt", reason = r.reason,
  finished_at = r."finishedAt", updated_at = $2
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, status text, "currentStep" text, "waitStartedAt" timestamptz, attempts int, "lastError" text, "nextAt" timestamptz, reason text, "finishedAt" timestamptz)
WHERE t.id = r.id;

-- playbooks.runs.usedTriggerKeys
SELECT r.playbook_id, r.account_id, r.trigger_key FROM playbooks.runs r
JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS k(playbook_id, account_id, trigger_key)
  USING (playbook_id, account_id, trigger_key);

-- playbooks.runs.wakeWaitingOfAccounts
UPDATE playbooks.runs r SET next_at = $3 FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
WHERE r.workspace_id = k.workspace_id AND r.account_id = k.account_id AND r.status = 'running'
  AND r.wait_started_at IS NOT NULL AND (r.next_at IS NULL OR r.next_at > $3);

-- playbooks.runs.wakeWaitingRun
UPDATE playbooks.runs SET next_at = $2 WHERE id = $1 AND status = 'running' AND wait_started_at IS NOT NULL;
