-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.rules.byId
SELECT id, workspace_id AS "workspaceId", name, type, params, severity, scope, enabled,
cooldown_minutes AS "cooldownMinutes", grace_days AS "graceDays", created_at AS "createdAt", updated_at AS "updatedAt" FROM alerting.rules WHERE workspace_id = $1 AND id = $2;

-- alerting.rules.delete
DELETE FROM alerting.rules WHERE workspace_id = $1 AND id = $2 RETURNING id;

-- alerting.rules.insertMany
INSERT INTO alerting.rules (id, workspace_id, name, type, params, severity, scope, enabled, cooldown_minutes,
  grace_days)
SELECT r.id, r."workspaceId", r.name, r.type, r.params, r.severity, r.scope, r.enabled, r."cooldownMinutes",
  r."graceDays"
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, name text, type text, params jsonb, severity text, scope jsonb, enabled boolean, "cooldownMinutes" int, "graceDays" int);

-- alerting.rules.ofWorkspaces
SELECT id, workspace_id AS "workspaceId", name, type, params, severity, scope, enabled,
cooldown_minutes AS "cooldownMinutes", grace_days AS "graceDays", created_at AS "createdAt", updated_at AS "updatedAt" FROM alerting.rules WHERE workspace_id = ANY($1) ORDER BY created_at, id;

-- alerting.rules.replace
  UPDATE alerting.rules SET name = $3, type = $4, params = $5, severity = $6, scope = $7, enabled = $8,
    cooldown_minutes = $9, grace_days = $10, updated_at = now()
  WHERE workspace_id = $1 AND id = $2 RETURNING id, workspace_id AS "workspaceId", name, type, params, severity, scope, enabled,
cooldown_minutes AS "cooldownMinutes", grace_days AS "graceDays", created_at AS "createdAt", updated_at AS "updatedAt";
