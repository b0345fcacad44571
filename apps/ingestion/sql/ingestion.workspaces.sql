-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.workspaces.all
SELECT id, name, created_at AS "createdAt"
  FROM ingestion.workspaces
 ORDER BY created_at, id;

-- ingestion.workspaces.exists
SELECT 1 AS found
  FROM ingestion.workspaces
 WHERE id = $1;

-- ingestion.workspaces.insert
INSERT INTO ingestion.workspaces (id, name, created_at)
VALUES ($1, $2, $3);
