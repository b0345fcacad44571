-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.currency-settings.load
SELECT currency, rates, updated_at FROM reporting.settings WHERE workspace_id = $1;

-- reporting.currency-settings.save
INSERT INTO reporting.settings (workspace_id, currency, rates, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (workspace_id) DO UPDATE SET currency = EXCLUDED.currency, rates = EXCLUDED.rates, updated_at = now()
RETURNING updated_at;
