import { createTable, sqlMigration } from '@tsuzuku/platform-database';

// The slice of account_months and month_totals, and its MRR sums. Slice columns hold '' for
// "not set", so that they can be part of a key.
const slice = `segment text NOT NULL,
        touch_model text NOT NULL,
        phase text NOT NULL,
        owner text NOT NULL`;
const sums = `
        start_mrr bigint NOT NULL,
        end_mrr bigint NOT NULL,
        new_mrr bigint NOT NULL,
        expansion_mrr bigint NOT NULL,
        contraction_mrr bigint NOT NULL,
        churned_mrr bigint NOT NULL,
        reactivation_mrr bigint NOT NULL`;

/**
 * The read models. Facts from the topics are keyed by event id (a replay or redelivery writes
 * nothing new); what is derived from them (account months, movements, the month totals) is
 * rewritten per account from the facts, so it never depends on the order events arrived in.
 * Amounts are bigint millionths of the workspace's reporting currency.
 */
export const ReportingReadModels1764000000000 = sqlMigration('ReportingReadModels1764000000000', [
  createTable(`
      CREATE TABLE reporting.settings (
        workspace_id text PRIMARY KEY,
        currency text NOT NULL,
        rates jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`),
  // --- facts -------------------------------------------------------------------------------
  createTable(
    `
      CREATE TABLE reporting.subscription_events (
        event_id text PRIMARY KEY,
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        subscription_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('started', 'changed', 'renewed', 'cancelled')),
        occurred_at timestamptz NOT NULL,
        mrr numeric,
        currency text,
        plan text,
        seats numeric
      )`,
    'CREATE INDEX subscription_events_account ON reporting.subscription_events (workspace_id, account_id)',
  ),
  createTable(`
      CREATE TABLE reporting.attribute_changes (
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        effective_at timestamptz NOT NULL,
        event_id text NOT NULL,
        segment text,
        touch_model text,
        phase text,
        owner text,
        PRIMARY KEY (workspace_id, account_id, effective_at, event_id)
      )`),
  createTable(
    `
      CREATE TABLE reporting.accounts (
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        first_started_at timestamptz,
        onboarding_completed_at timestamptz,
        profile_at timestamptz,
        profile_event_id text,
        current_mrr bigint NOT NULL DEFAULT 0,
        last_movement_at timestamptz,
        derived_through date,
        PRIMARY KEY (workspace_id, account_id)
      )`,
    `CREATE INDEX accounts_first_started ON reporting.accounts (workspace_id, first_started_at)
       WHERE first_started_at IS NOT NULL`,
  ),
  createTable(
    `
      CREATE TABLE reporting.survey_responses (
        event_id text PRIMARY KEY,
        workspace_id text NOT NULL,
        account_id text,
        respondent text NOT NULL,
        survey text NOT NULL CHECK (survey IN ('nps', 'csat')),
        score smallint NOT NULL,
        occurred_at timestamptz NOT NULL,
        month date NOT NULL
      )`,
    'CREATE INDEX survey_responses_month ON reporting.survey_responses (workspace_id, survey, month)',
  ),
  // Each respondent's latest NPS answer of each month.
  createTable(`
      CREATE TABLE reporting.nps_latest (
        workspace_id text NOT NULL,
        month date NOT NULL,
        respondent text NOT NULL,
        account_id text,
        score smallint NOT NULL,
        occurred_at timestamptz NOT NULL,
        event_id text NOT NULL,
        PRIMARY KEY (workspace_id, month, respondent)
      )`),
  // Activity: a bit per UTC day of the month (bit d-1 for day d).
  createTable(`
      CREATE TABLE reporting.activity_user_days (
        workspace_id text NOT NULL,
        month date NOT NULL,
        account_id text NOT NULL,
        user_id text NOT NULL,
        days integer NOT NULL,
        PRIMARY KEY (workspace_id, month, account_id, user_id)
      )`),
  createTable(`
      CREATE TABLE reporting.activity_users (
        workspace_id text NOT NULL,
        month date NOT NULL,
        user_id text NOT NULL,
        days integer NOT NULL,
        PRIMARY KEY (workspace_id, month, user_id)
      )`),
  createTable(`
      CREATE TABLE reporting.activity_accounts (
        workspace_id text NOT NULL,
        month date NOT NULL,
        account_id text NOT NULL,
        PRIMARY KEY (workspace_id, month, account_id)
      )`),
  createTable(`
      CREATE TABLE reporting.activity_totals (
        workspace_id text NOT NULL,
        month date NOT NULL,
        active_accounts integer NOT NULL,
        users integer NOT NULL,
        user_days integer NOT NULL,
        PRIMARY KEY (workspace_id, month)
      )`),
  createTable(
    `
      CREATE TABLE reporting.band_changes (
        event_id text PRIMARY KEY,
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        band text
      )`,
    'CREATE INDEX band_changes_account ON reporting.band_changes (workspace_id, account_id, occurred_at)',
  ),
  createTable(`
      CREATE TABLE reporting.alerts (
        workspace_id text NOT NULL,
        alert_id text NOT NULL,
        account_id text,
        rule_type text NOT NULL,
        raised_at timestamptz NOT NULL,
        resolved_at timestamptz,
        PRIMARY KEY (workspace_id, alert_id)
      )`),
  createTable(`
      CREATE TABLE reporting.playbook_runs (
        workspace_id text NOT NULL,
        run_id text NOT NULL,
        playbook_id text NOT NULL,
        playbook_name text NOT NULL,
        account_id text,
        started_at timestamptz,
        holdout boolean,
        status text,
        finished_at timestamptz,
        PRIMARY KEY (workspace_id, run_id)
      )`),
  // --- derived, rewritten per account ---------------------------------------------------------
  createTable(
    `
      CREATE TABLE reporting.mrr_movements (
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        amount bigint NOT NULL,
        from_mrr bigint NOT NULL,
        to_mrr bigint NOT NULL,
        PRIMARY KEY (workspace_id, account_id, occurred_at)
      )`,
    'CREATE INDEX mrr_movements_time ON reporting.mrr_movements (workspace_id, occurred_at)',
  ),
  createTable(
    `
      CREATE TABLE reporting.conversion_errors (
        event_id text PRIMARY KEY,
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        subscription_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        currency text NOT NULL,
        amount numeric
      )`,
    'CREATE INDEX conversion_errors_workspace ON reporting.conversion_errors (workspace_id, occurred_at)',
  ),
  createTable(
    `
      CREATE TABLE reporting.account_months (
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        month date NOT NULL,
        ${slice},
        ${sums},
        expansions integer NOT NULL,
        start_mrr_12 bigint NOT NULL,
        PRIMARY KEY (workspace_id, account_id, month)
      )`,
    'CREATE INDEX account_months_month ON reporting.account_months (workspace_id, month)',
  ),
  createTable(`
      CREATE TABLE reporting.month_totals (
        workspace_id text NOT NULL,
        month date NOT NULL,
        ${slice},
        ${sums},
        start_accounts bigint NOT NULL,
        churned_accounts bigint NOT NULL,
        expanded_accounts bigint NOT NULL,
        paying_accounts bigint NOT NULL,
        retained_mrr bigint NOT NULL,
        start_accounts_end_mrr bigint NOT NULL,
        start_mrr_12 bigint NOT NULL,
        retained_mrr_12 bigint NOT NULL,
        start_accounts_end_mrr_12 bigint NOT NULL,
        PRIMARY KEY (workspace_id, month, segment, touch_model, phase, owner)
      )`),
]);
