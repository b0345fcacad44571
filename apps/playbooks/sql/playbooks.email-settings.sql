-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.email-settings.delete
DELETE FROM playbooks.email_settings WHERE workspace_id = $1 RETURNING workspace_id;

-- playbooks.email-settings.get
SELECT host, port, secure, from_address AS "from", username, password, updated_at AS "updatedAt" FROM playbooks.email_settings WHERE workspace_id = $1;

-- playbooks.email-settings.put
INSERT INTO playbooks.email_settings AS s (workspace_id, host, port, secure, from_address, username, password, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, now())
ON CONFLICT (workspace_id) DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port, secure = EXCLUDED.secure,
  from_address = EXCLUDED.from_address, username = EXCLUDED.username, password = EXCLUDED.password,
  updated_at = EXCLUDED.updated_at
RETURNING host, port, secure, from_address AS "from", username, password, updated_at AS "updatedAt";
