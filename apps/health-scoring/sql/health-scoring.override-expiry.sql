-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.override-expiry.endExpired
UPDATE health_scoring.overrides SET ended_at = $1, ended_why = 'expired'
WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1
RETURNING workspace_id, account_id;
