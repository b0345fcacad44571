-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.tasks.byId
SELECT * FROM playbooks.tasks WHERE workspace_id = $1 AND id::text = $2;

-- playbooks.tasks.insertByHand
INSERT INTO playbooks.tasks (id, workspace_id, account_id, title, description, owner, owner_set_by_hand, priority, due_at, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10) RETURNING *;

-- playbooks.tasks.insertMany
INSERT INTO playbooks.tasks (id, workspace_id, account_id, run_id, playbook_id, step_id, title, description, owner, priority, due_at, status, created_at)
SELECT r.id, r."workspaceId", r."accountId", r."runId", r."playbookId", r."stepId", r.title, r.description, r.owner,
  r.priority, r."dueAt", 'open', $2
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "accountId" text, "runId" uuid, "playbookId" uuid, "stepId" text, title text, description text, owner text, priority text, "dueAt" timestamptz);

-- playbooks.tasks.page
SELECT * FROM playbooks.tasks
WHERE workspace_id = $1
  AND ($2::text IS NULL OR lower(owner) = lower($2))
  AND (NOT $9::boolean OR owner IS NULL)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::text IS NULL OR account_id = $4)
  AND ($5::timestamptz IS NULL OR due_at < $5::timestamptz)
  AND ($6::timestamptz IS NULL OR due_at >= $6::timestamptz)
  AND ($7::bigint IS NULL OR seq < $7::bigint)
ORDER BY seq DESC LIMIT $8;

-- playbooks.tasks.reassignOpenOfAccount
UPDATE playbooks.tasks SET owner = $3
WHERE workspace_id = $1 AND account_id = $2 AND status = 'open' AND NOT owner_set_by_hand
  AND (owner IS NULL OR lower(owner) = ANY($4::text[])) AND owner IS DISTINCT FROM $3
RETURNING *;

-- playbooks.tasks.reassignOpenOfFallback
UPDATE playbooks.tasks AS t SET owner = $3, updated_at = $4
WHERE t.workspace_id = $1 AND t.status = 'open' AND NOT t.owner_set_by_hand
  AND lower(t.owner) IS NOT DISTINCT FROM lower($2::text)
  AND NOT EXISTS (
    SELECT 1 FROM playbooks.accounts a
    WHERE a.workspace_id = t.workspace_id AND a.account_id = t.account_id AND a.csm_email IS NOT NULL)
RETURNING t.*;

-- playbooks.tasks.skipOpenOfRuns
UPDATE playbooks.tasks AS t SET status = 'skipped', note = e.why, completed_at = $2
FROM jsonb_to_recordset($1::jsonb) AS e("runId" uuid, why text)
WHERE t.run_id = e."runId" AND t.status = 'open' RETURNING t.*;

-- playbooks.tasks.skipOpenRunTasksOfAccounts
UPDATE playbooks.tasks AS t SET status = 'skipped', note = $3, completed_at = $4
FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
WHERE t.workspace_id = k.workspace_id AND t.account_id = k.account_id AND t.status = 'open'
  AND t.run_id IS NOT NULL
RETURNING t.*;

-- playbooks.tasks.statusesOfRuns
SELECT run_id, step_id, status FROM playbooks.tasks WHERE run_id = ANY($1::uuid[]);

-- playbooks.tasks.updateOpen
UPDATE playbooks.tasks SET
  owner = CASE WHEN $3::boolean THEN $4::text ELSE owner END,
  owner_set_by_hand = owner_set_by_hand OR $3::boolean,
  due_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE due_at END,
  status = coalesce($7::text, status),
  note = coalesce($8::text, note),
  completed_at = CASE WHEN $7::text IS NULL THEN completed_at ELSE $9::timestamptz END,
  updated_at = $9::timestamptz
WHERE workspace_id = $1 AND id::text = $2 AND status = 'open' RETURNING *;
