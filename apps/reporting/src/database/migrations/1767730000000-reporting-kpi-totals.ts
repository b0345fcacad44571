import { createTable, sqlMigration } from '@tsuzuku/platform-database';

const MRR_COLUMNS = [
  'start_mrr',
  'end_mrr',
  'new_mrr',
  'expansion_mrr',
  'contraction_mrr',
  'churned_mrr',
  'reactivation_mrr',
  'start_accounts',
  'churned_accounts',
  'expanded_accounts',
  'paying_accounts',
  'retained_mrr',
  'start_accounts_end_mrr',
  'start_mrr_12',
  'retained_mrr_12',
  'start_accounts_end_mrr_12',
];

/**
 * What the unsliced KPI report reads, kept per workspace and month on write, so that it costs a
 * row per month whatever the number of accounts:
 * - workspace_month_totals: the month totals summed over every slice;
 * - survey_month_totals: NPS respondents, promoters and detractors (each respondent's latest
 *   answer of the month) and CSAT answers and satisfied ones;
 * - onboarding_month_totals: accounts by the UTC month of their first subscription start, and
 *   those that completed onboarding within 30 days of it. Each account row records what it
 *   counts for (onboarding_month, onboarding_completed) so that a change is counted by delta.
 * Each is filled from the rows already there. Sliced reports start from the accounts in the
 * slice: the indexes below let them read those accounts' rows alone.
 */
export const ReportingKpiTotals1767730000000 = sqlMigration('ReportingKpiTotals1767730000000', [
  createTable(
    `
      CREATE TABLE reporting.workspace_month_totals (
        workspace_id text NOT NULL,
        month date NOT NULL,
        ${MRR_COLUMNS.map((c) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n        ')},
        PRIMARY KEY (workspace_id, month)
      )`,
    `INSERT INTO reporting.workspace_month_totals (workspace_id, month, ${MRR_COLUMNS.join(', ')})
     SELECT workspace_id, month, ${MRR_COLUMNS.map((c) => `sum(${c})`).join(', ')}
     FROM reporting.month_totals GROUP BY workspace_id, month`,
  ),
  createTable(
    `
      CREATE TABLE reporting.survey_month_totals (
        workspace_id text NOT NULL,
        month date NOT NULL,
        nps_respondents integer NOT NULL DEFAULT 0,
        promoters integer NOT NULL DEFAULT 0,
        detractors integer NOT NULL DEFAULT 0,
        csat_responses integer NOT NULL DEFAULT 0,
        csat_satisfied integer NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, month)
      )`,
    `INSERT INTO reporting.survey_month_totals
       (workspace_id, month, nps_respondents, promoters, detractors, csat_responses, csat_satisfied)
     SELECT workspace_id, month, sum(r), sum(p), sum(d), sum(c), sum(s) FROM (
       SELECT workspace_id, month, 1 AS r, (score >= 9)::int AS p, (score <= 6)::int AS d, 0 AS c, 0 AS s
       FROM reporting.nps_latest
       UNION ALL
       SELECT workspace_id, month, 0, 0, 0, 1, (score >= 4)::int
       FROM reporting.survey_responses WHERE survey = 'csat'
     ) x GROUP BY workspace_id, month`,
  ),
  {
    up: [
      `ALTER TABLE reporting.accounts ADD COLUMN onboarding_month date,
         ADD COLUMN onboarding_completed boolean NOT NULL DEFAULT false`,
      `UPDATE reporting.accounts
       SET onboarding_month = date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date,
           onboarding_completed = coalesce(onboarding_completed_at <= first_started_at + interval '720 hours', false)
       WHERE first_started_at IS NOT NULL`,
    ],
    down: 'ALTER TABLE reporting.accounts DROP COLUMN onboarding_month, DROP COLUMN onboarding_completed',
  },
  createTable(
    `
      CREATE TABLE reporting.onboarding_month_totals (
        workspace_id text NOT NULL,
        month date NOT NULL,
        started integer NOT NULL DEFAULT 0,
        completed integer NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, month)
      )`,
    `INSERT INTO reporting.onboarding_month_totals (workspace_id, month, started, completed)
     SELECT workspace_id, onboarding_month, count(*), count(*) FILTER (WHERE onboarding_completed)
     FROM reporting.accounts WHERE onboarding_month IS NOT NULL GROUP BY workspace_id, onboarding_month`,
  ),
  {
    up: [
      'CREATE INDEX month_totals_segment_lower ON reporting.month_totals (workspace_id, lower(segment), month)',
      'CREATE INDEX month_totals_owner_lower ON reporting.month_totals (workspace_id, lower(owner), month)',
      `CREATE INDEX activity_user_days_account ON reporting.activity_user_days (workspace_id, account_id, month)
         INCLUDE (user_id, days)`,
      'CREATE INDEX nps_latest_account ON reporting.nps_latest (workspace_id, account_id, month) INCLUDE (score)',
      `CREATE INDEX survey_responses_account ON reporting.survey_responses (workspace_id, account_id, month)
         INCLUDE (survey, score)`,
    ],
    down: [
      'DROP INDEX reporting.month_totals_segment_lower',
      'DROP INDEX reporting.month_totals_owner_lower',
      'DROP INDEX reporting.activity_user_days_account',
      'DROP INDEX reporting.nps_latest_account',
      'DROP INDEX reporting.survey_responses_account',
    ],
  },
]);
