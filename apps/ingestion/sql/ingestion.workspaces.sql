-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.workspaces.all
  SELECT id, name, created_at AS "createdAt", fallback_owner AS "fallbackOwner",
settings_version AS "settingsVersion", settings_updated_at AS "settingsUpdatedAt"
    FROM ingestion.workspaces
   ORDER BY created_at, id;

-- ingestion.workspaces.byId
SELECT id, name, created_at AS "createdAt", fallback_owner AS "fallbackOwner",
settings_version AS "settingsVersion", settings_updated_at AS "settingsUpdatedAt" FROM ingestion.workspaces WHERE id = $1;

-- ingestion.workspaces.exists
SELECT 1 AS found
  FROM ingestion.workspaces
 WHERE id = $1;

-- ingestion.workspaces.insert
  INSERT INTO ingestion.workspaces (id, name, created_at, fallback_owner, settings_updated_at)
  VALUES ($1, $2, $3, $4, $3) RETURNING id, name, created_at AS "createdAt", fallback_owner AS "fallbackOwner",
settings_version AS "settingsVersion", settings_updated_at AS "settingsUpdatedAt";

-- ingestion.workspaces.setFallbackOwner
  UPDATE ingestion.workspaces
     SET fallback_owner = $2, settings_version = settings_version + 1, settings_updated_at = $3
   WHERE id = $1 RETURNING id, name, created_at AS "createdAt", fallback_owner AS "fallbackOwner",
settings_version AS "settingsVersion", settings_updated_at AS "settingsUpdatedAt";
