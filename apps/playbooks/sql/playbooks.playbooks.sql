-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.playbooks.byId
SELECT id, workspace_id, template, version, definition, created_at, updated_at FROM playbooks.playbooks WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL;

-- playbooks.playbooks.byIdForUpdate
SELECT id, workspace_id, template, version, definition, created_at, updated_at FROM playbooks.playbooks WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL
FOR UPDATE;

-- playbooks.playbooks.insert
INSERT INTO playbooks.playbooks (id, workspace_id, template, version, name, enabled, trigger_type, definition, created_at, updated_at)
VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $8) RETURNING id, workspace_id, template, version, definition, created_at, updated_at;

-- playbooks.playbooks.insertVersion
INSERT INTO playbooks.playbook_versions (playbook_id, version, definition, created_at) VALUES ($1, $2, $3, $4);

-- playbooks.playbooks.insertWorkspace
INSERT INTO playbooks.workspaces (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING workspace_id;

-- playbooks.playbooks.live
SELECT id, workspace_id, template, version, definition, created_at, updated_at FROM playbooks.playbooks
WHERE workspace_id = ANY($1) AND trigger_type = ANY($2) AND enabled AND deleted_at IS NULL ORDER BY created_at;

-- playbooks.playbooks.liveOfAnyWorkspace
SELECT id, workspace_id, template, version, definition, created_at, updated_at FROM playbooks.playbooks
WHERE trigger_type = ANY($1) AND enabled AND deleted_at IS NULL ORDER BY id;

-- playbooks.playbooks.newVersion
UPDATE playbooks.playbooks SET version = version + 1, name = $3, enabled = $4, trigger_type = $5,
  definition = $6, updated_at = $7
WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL RETURNING id, workspace_id, template, version, definition, created_at, updated_at;

-- playbooks.playbooks.ofWorkspace
SELECT id, workspace_id, template, version, definition, created_at, updated_at FROM playbooks.playbooks WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, name;

-- playbooks.playbooks.softDelete
UPDATE playbooks.playbooks SET deleted_at = $3, enabled = false
WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL RETURNING id, workspace_id, template, version, definition, created_at, updated_at;

-- playbooks.playbooks.version
SELECT definition, created_at FROM playbooks.playbook_versions WHERE playbook_id = $1 AND version = $2;
