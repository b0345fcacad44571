-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.churn-models.accountIds
SELECT account_id FROM health_scoring.accounts WHERE workspace_id = $1 ORDER BY account_id;

-- health-scoring.churn-models.clearOtherRisks
UPDATE health_scoring.accounts SET churn_probability = NULL, churn_risk = NULL
WHERE workspace_id = $1 AND churn_risk IS NOT NULL AND NOT (account_id = ANY($2::text[]));

-- health-scoring.churn-models.due
SELECT w.workspace_id FROM (SELECT DISTINCT workspace_id FROM health_scoring.accounts) w
WHERE NOT EXISTS (SELECT 1 FROM health_scoring.churn_models c
  WHERE c.workspace_id = w.workspace_id AND c.trained_at > $1)
ORDER BY w.workspace_id;

-- health-scoring.churn-models.insert
INSERT INTO health_scoring.churn_models (id, workspace_id, trained_at, cutoff, horizon_days, trigger, model, reason,
  examples, churns, churned_accounts, cross_validated_auc, holdout_auc, holdout_from)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- health-scoring.churn-models.latest
  SELECT id, workspace_id, trained_at, cutoff::text AS cutoff, horizon_days, trigger, model, reason,
examples, churns, churned_accounts, cross_validated_auc, holdout_auc, holdout_from::text AS holdout_from FROM health_scoring.churn_models
  WHERE workspace_id = $1 ORDER BY trained_at DESC, id DESC LIMIT 1;

-- health-scoring.churn-models.setRisks
UPDATE health_scoring.accounts a SET churn_probability = r.probability, churn_risk = r.risk
FROM jsonb_to_recordset($2::jsonb) AS r(account_id text, probability numeric, risk jsonb)
WHERE a.workspace_id = $1 AND a.account_id = r.account_id;

-- health-scoring.churn-models.subscribedAccounts
SELECT account_id FROM health_scoring.accounts WHERE workspace_id = $1 AND churned_at IS NULL ORDER BY account_id;
