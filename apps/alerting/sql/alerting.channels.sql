-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.channels.byId
SELECT id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at FROM alerting.channels WHERE workspace_id = $1 AND id = $2;

-- alerting.channels.delete
DELETE FROM alerting.channels WHERE workspace_id = $1 AND id = $2;

-- alerting.channels.enabledRoutes
SELECT id, workspace_id AS "workspaceId", filters FROM alerting.channels
WHERE workspace_id = ANY($1) AND enabled;

-- alerting.channels.insert
INSERT INTO alerting.channels (id, workspace_id, name, kind, url, recipients, secret, filters, enabled)
VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9) RETURNING id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at;

-- alerting.channels.listOfWorkspace
SELECT id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at FROM alerting.channels WHERE workspace_id = $1 ORDER BY created_at, id;

-- alerting.channels.replace
UPDATE alerting.channels SET name = $3, kind = $4, url = $5, recipients = $6::text[], secret = $7,
  filters = $8, enabled = $9, updated_at = now()
WHERE workspace_id = $1 AND id = $2 RETURNING id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at;

-- alerting.channels.rotateSecret
UPDATE alerting.channels SET previous_secret = secret, secret = $3,
  previous_secret_expires_at = now() + make_interval(mins => $4), updated_at = now()
WHERE workspace_id = $1 AND id = $2 RETURNING id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at;
