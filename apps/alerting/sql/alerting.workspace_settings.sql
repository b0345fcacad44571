-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.workspace_settings.apply
UPDATE alerting.workspace_settings AS w
   SET fallback_owner = s."fallbackOwner", settings_version = s.version, updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS s("workspaceId" text, "fallbackOwner" text, version int),
       alerting.workspace_settings AS o
 WHERE w.workspace_id = s."workspaceId" AND o.workspace_id = w.workspace_id
   AND (w.settings_version IS NULL OR w.settings_version < s.version)
RETURNING w.workspace_id AS "workspaceId", o.fallback_owner AS "formerFallbackOwner",
  w.fallback_owner AS "fallbackOwner";

-- alerting.workspace_settings.byWorkspace
SELECT fallback_owner AS "fallbackOwner", settings_version AS "version", updated_at AS "updatedAt"
FROM alerting.workspace_settings WHERE workspace_id = $1;

-- alerting.workspace_settings.fallbackOwners
SELECT workspace_id AS "workspaceId", fallback_owner AS "fallbackOwner"
FROM alerting.workspace_settings WHERE workspace_id = ANY($1);

-- alerting.workspace_settings.insertMissing
INSERT INTO alerting.workspace_settings (workspace_id) SELECT unnest($1::text[])
ON CONFLICT DO NOTHING RETURNING workspace_id AS "workspaceId";
