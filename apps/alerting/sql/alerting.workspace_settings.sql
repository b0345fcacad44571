-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.workspace_settings.byWorkspace
SELECT default_owner AS "defaultOwner", updated_at AS "updatedAt"
FROM alerting.workspace_settings WHERE workspace_id = $1;

-- alerting.workspace_settings.defaultOwners
SELECT workspace_id AS "workspaceId", default_owner AS "defaultOwner"
FROM alerting.workspace_settings WHERE workspace_id = ANY($1);

-- alerting.workspace_settings.insertMissing
INSERT INTO alerting.workspace_settings (workspace_id) SELECT unnest($1::text[])
ON CONFLICT DO NOTHING RETURNING workspace_id AS "workspaceId";

-- alerting.workspace_settings.setDefaultOwner
UPDATE alerting.workspace_settings SET default_owner = $2, updated_at = now() WHERE workspace_id = $1
RETURNING default_owner AS "defaultOwner", updated_at AS "updatedAt";
