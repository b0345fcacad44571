-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.workspaces.apply
UPDATE playbooks.workspaces AS w
   SET fallback_owner = s."fallbackOwner", settings_version = s.version
  FROM jsonb_to_recordset($1::jsonb) AS s("workspaceId" text, "fallbackOwner" text, version int),
       playbooks.workspaces AS o
 WHERE w.workspace_id = s."workspaceId" AND o.workspace_id = w.workspace_id
   AND (w.settings_version IS NULL OR w.settings_version < s.version)
RETURNING w.workspace_id AS "workspaceId", o.fallback_owner AS "formerFallbackOwner",
  w.fallback_owner AS "fallbackOwner";

-- playbooks.workspaces.fallbackOwners
SELECT workspace_id AS "workspaceId", fallback_owner AS "fallbackOwner"
FROM playbooks.workspaces WHERE workspace_id = ANY($1::text[]);
