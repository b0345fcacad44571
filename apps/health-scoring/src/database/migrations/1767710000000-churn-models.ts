import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The workspace churn models: every training (on schedule or on request) is kept, with the model
 * when there was enough history and the reason when there was not; each account keeps its latest
 * prediction (probability, rounded to 6 places so the list can page on it exactly, and the
 * contributions behind it).
 */
export const ChurnModels1767710000000 = sqlMigration('ChurnModels1767710000000', [
  {
    up: `CREATE TABLE health_scoring.churn_models (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      trained_at timestamptz NOT NULL,
      cutoff date NOT NULL,
      horizon_days integer NOT NULL,
      trigger text NOT NULL CHECK (trigger IN ('schedule', 'request')),
      model jsonb,
      reason text,
      examples integer NOT NULL,
      churns integer NOT NULL,
      churned_accounts integer NOT NULL,
      cross_validated_auc double precision,
      holdout_auc double precision,
      holdout_from date,
      CHECK ((model IS NULL) <> (reason IS NULL))
    )`,
    down: 'DROP TABLE health_scoring.churn_models',
  },
  {
    up: 'CREATE INDEX churn_models_latest ON health_scoring.churn_models (workspace_id, trained_at DESC, id)',
    down: 'DROP INDEX health_scoring.churn_models_latest',
  },
  {
    up: `ALTER TABLE health_scoring.accounts
      ADD COLUMN churn_probability numeric(7, 6) CHECK (churn_probability BETWEEN 0 AND 1),
      ADD COLUMN churn_risk jsonb`,
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN churn_probability, DROP COLUMN churn_risk',
  },
  {
    up: `CREATE INDEX accounts_churn_probability ON health_scoring.accounts
      (workspace_id, churn_probability DESC NULLS LAST, account_id)`,
    down: 'DROP INDEX health_scoring.accounts_churn_probability',
  },
]);
