import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The plan becomes a slice like segment and owner: account months and month totals get a plan
 * column (part of the totals' key). Each existing account month takes the plan of the attribute
 * version in effect at its month's end, and the month totals are summed again from the account
 * months (the same contributions as the deriver's, kpi-formulas contributionOf).
 */
export const ReportingPlanSlice1766021310000 = sqlMigration('ReportingPlanSlice1766021310000', [
  {
    up: [
      `ALTER TABLE reporting.account_months ADD COLUMN plan text NOT NULL DEFAULT ''`,
      `ALTER TABLE reporting.month_totals ADD COLUMN plan text NOT NULL DEFAULT ''`,
      `ALTER TABLE reporting.account_months ALTER COLUMN plan DROP DEFAULT`,
      `ALTER TABLE reporting.month_totals ALTER COLUMN plan DROP DEFAULT`,
      `
      ALTER TABLE reporting.month_totals DROP CONSTRAINT month_totals_pkey,
        ADD PRIMARY KEY (workspace_id, month, segment, touch_model, phase, owner, plan)`,
      `
      UPDATE reporting.account_months am SET plan = s.plan
      FROM reporting.account_attributes s
      WHERE s.workspace_id = am.workspace_id AND s.account_id = am.account_id
        AND s.valid_from < ((am.month + interval '1 month') AT TIME ZONE 'UTC')
        AND ((am.month + interval '1 month') AT TIME ZONE 'UTC') <= s.valid_to`,
      'DELETE FROM reporting.month_totals',
      `
      INSERT INTO reporting.month_totals (workspace_id, month, segment, touch_model, phase, owner, plan,
        start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr,
        start_accounts, churned_accounts, expanded_accounts, paying_accounts, retained_mrr,
        start_accounts_end_mrr, start_mrr_12, retained_mrr_12, start_accounts_end_mrr_12)
      SELECT workspace_id, month, segment, touch_model, phase, owner, plan,
        sum(start_mrr), sum(end_mrr), sum(new_mrr), sum(expansion_mrr), sum(contraction_mrr),
        sum(churned_mrr), sum(reactivation_mrr),
        count(*) FILTER (WHERE start_mrr > 0),
        count(*) FILTER (WHERE start_mrr > 0 AND end_mrr = 0),
        count(*) FILTER (WHERE start_mrr > 0 AND expansions > 0),
        count(*) FILTER (WHERE end_mrr > 0),
        coalesce(sum(least(end_mrr, start_mrr)) FILTER (WHERE start_mrr > 0), 0),
        coalesce(sum(end_mrr) FILTER (WHERE start_mrr > 0), 0),
        sum(start_mrr_12),
        coalesce(sum(least(end_mrr, start_mrr_12)) FILTER (WHERE start_mrr_12 > 0), 0),
        coalesce(sum(end_mrr) FILTER (WHERE start_mrr_12 > 0), 0)
      FROM reporting.account_months
      GROUP BY workspace_id, month, segment, touch_model, phase, owner, plan`,
    ],
    down: [
      `
      CREATE TEMP TABLE month_totals_without_plan AS
      SELECT workspace_id, month, segment, touch_model, phase, owner,
        sum(start_mrr) AS start_mrr, sum(end_mrr) AS end_mrr, sum(new_mrr) AS new_mrr,
        sum(expansion_mrr) AS expansion_mrr, sum(contraction_mrr) AS contraction_mrr,
        sum(churned_mrr) AS churned_mrr, sum(reactivation_mrr) AS reactivation_mrr,
        sum(start_accounts) AS start_accounts, sum(churned_accounts) AS churned_accounts,
        sum(expanded_accounts) AS expanded_accounts, sum(paying_accounts) AS paying_accounts,
        sum(retained_mrr) AS retained_mrr, sum(start_accounts_end_mrr) AS start_accounts_end_mrr,
        sum(start_mrr_12) AS start_mrr_12, sum(retained_mrr_12) AS retained_mrr_12,
        sum(start_accounts_end_mrr_12) AS start_accounts_end_mrr_12
      FROM reporting.month_totals GROUP BY workspace_id, month, segment, touch_model, phase, owner`,
      'DELETE FROM reporting.month_totals',
      `
      ALTER TABLE reporting.month_totals DROP CONSTRAINT month_totals_pkey, DROP COLUMN plan,
        ADD PRIMARY KEY (workspace_id, month, segment, touch_model, phase, owner)`,
      'INSERT INTO reporting.month_totals SELECT * FROM month_totals_without_plan',
      'DROP TABLE month_totals_without_plan',
      'ALTER TABLE reporting.account_months DROP COLUMN plan',
    ],
  },
]);
