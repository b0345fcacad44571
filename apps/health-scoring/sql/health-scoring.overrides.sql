-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.overrides.clearInEffect
UPDATE health_scoring.overrides SET ended_at = $3, ended_why = 'cleared'
WHERE workspace_id = $1 AND account_id = $2 AND ended_at IS NULL
  AND (expires_at IS NULL OR expires_at > $3)
RETURNING id;

-- health-scoring.overrides.endActive
UPDATE health_scoring.overrides
SET ended_at = $3,
    ended_why = CASE WHEN expires_at IS NOT NULL AND expires_at <= $3 THEN 'expired' ELSE 'replaced' END
WHERE workspace_id = $1 AND account_id = $2 AND ended_at IS NULL;

-- health-scoring.overrides.endExpired
UPDATE health_scoring.overrides SET ended_at = $1, ended_why = 'expired'
WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1
RETURNING workspace_id, account_id;

-- health-scoring.overrides.insert
INSERT INTO health_scoring.overrides (id, workspace_id, account_id, score, reason, author, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- health-scoring.overrides.lockAccount
SELECT 1 FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2 FOR UPDATE;
