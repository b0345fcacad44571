-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.credentials.byIds
SELECT id, kind, workspace_id AS "workspaceId", label, scopes, secret_hash AS "secretHash", prefix,
   created_at AS "createdAt", revoked_at AS "revokedAt"
  FROM ingestion.credentials
 WHERE id = ANY($1::text[]);

-- ingestion.credentials.insert
INSERT INTO ingestion.credentials (id, kind, workspace_id, label, scopes, secret_hash, prefix, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id, kind, workspace_id AS "workspaceId", label, scopes, secret_hash AS "secretHash", prefix,
   created_at AS "createdAt", revoked_at AS "revokedAt";

-- ingestion.credentials.lockOne
SELECT id, kind, workspace_id AS "workspaceId", label, scopes, secret_hash AS "secretHash", prefix,
   created_at AS "createdAt", revoked_at AS "revokedAt"
  FROM ingestion.credentials
 WHERE id = $1 AND workspace_id = $2 AND kind = $3
   FOR UPDATE;

-- ingestion.credentials.ofWorkspace
SELECT id, kind, workspace_id AS "workspaceId", label, scopes, secret_hash AS "secretHash", prefix,
   created_at AS "createdAt", revoked_at AS "revokedAt"
  FROM ingestion.credentials
 WHERE workspace_id = $1 AND kind = $2
 ORDER BY created_at, id;

-- ingestion.credentials.revoke
UPDATE ingestion.credentials SET revoked_at = $2
 WHERE id = $1
RETURNING id, kind, workspace_id AS "workspaceId", label, scopes, secret_hash AS "secretHash", prefix,
   created_at AS "createdAt", revoked_at AS "revokedAt";
