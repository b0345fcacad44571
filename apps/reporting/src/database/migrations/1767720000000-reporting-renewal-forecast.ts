import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * The renewal forecast's read models. account_outlook keeps each account's present renewal date
 * and churn prediction (the latest current account.updated by asOf; a backfilled past state is
 * not the present). renewal_forecasts and renewal_forecast_accounts are the forecasts recorded
 * once a day per workspace (the renewals of the next 365 days, their MRR in micros of the
 * reporting currency and their prediction at that moment), to compare with what happened.
 */
export const ReportingRenewalForecast1767720000000 = sqlMigration('ReportingRenewalForecast1767720000000', [
  createTable(
    `
      CREATE TABLE reporting.account_outlook (
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        as_of timestamptz NOT NULL,
        event_id text NOT NULL,
        renewal_date date,
        churn_risk jsonb,
        PRIMARY KEY (workspace_id, account_id)
      )`,
    `CREATE INDEX account_outlook_renewal ON reporting.account_outlook (workspace_id, renewal_date)
       WHERE renewal_date IS NOT NULL`,
  ),
  createTable(`
      CREATE TABLE reporting.renewal_forecasts (
        workspace_id text NOT NULL,
        day date NOT NULL,
        made_at timestamptz NOT NULL,
        currency text NOT NULL,
        PRIMARY KEY (workspace_id, day)
      )`),
  createTable(`
      CREATE TABLE reporting.renewal_forecast_accounts (
        workspace_id text NOT NULL,
        day date NOT NULL,
        account_id text NOT NULL,
        renewal_date date NOT NULL,
        mrr bigint NOT NULL,
        predicted_at timestamptz NOT NULL,
        churn_risk jsonb,
        PRIMARY KEY (workspace_id, day, account_id),
        FOREIGN KEY (workspace_id, day) REFERENCES reporting.renewal_forecasts (workspace_id, day) ON DELETE CASCADE
      )`),
]);
