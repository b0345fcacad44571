-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.mrr.accountsWithLedger
SELECT DISTINCT account_id FROM reporting.subscription_events WHERE workspace_id = $1 ORDER BY account_id;

-- reporting.mrr.addToMonthTotals
INSERT INTO reporting.month_totals AS t (workspace_id, month, segment, touch_model, phase, owner, plan, start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, start_accounts, churned_accounts, expanded_accounts, paying_accounts, retained_mrr, start_accounts_end_mrr, start_mrr_12, retained_mrr_12, start_accounts_end_mrr_12)
SELECT $1, month, segment, "touchModel", phase, owner, plan, "startMrr", "endMrr", "newMrr", "expansionMrr", "contractionMrr", "churnedMrr", "reactivationMrr", "startAccounts", "churnedAccounts", "expandedAccounts", "payingAccounts", "retainedMrr", "startAccountsEndMrr", "startMrr12", "retainedMrr12", "startAccountsEndMrr12"
FROM jsonb_to_recordset($2::jsonb) AS r(month date, segment text, "touchModel" text, phase text, owner text, plan text, "startMrr" bigint, "endMrr" bigint, "newMrr" bigint, "expansionMrr" bigint, "contractionMrr" bigint, "churnedMrr" bigint, "reactivationMrr" bigint, "startAccounts" bigint, "churnedAccounts" bigint, "expandedAccounts" bigint, "payingAccounts" bigint, "retainedMrr" bigint, "startAccountsEndMrr" bigint, "startMrr12" bigint, "retainedMrr12" bigint, "startAccountsEndMrr12" bigint)
ON CONFLICT (workspace_id, month, segment, touch_model, phase, owner, plan) DO UPDATE SET
  start_mrr = t.start_mrr + EXCLUDED.start_mrr, end_mrr = t.end_mrr + EXCLUDED.end_mrr, new_mrr = t.new_mrr + EXCLUDED.new_mrr, expansion_mrr = t.expansion_mrr + EXCLUDED.expansion_mrr, contraction_mrr = t.contraction_mrr + EXCLUDED.contraction_mrr, churned_mrr = t.churned_mrr + EXCLUDED.churned_mrr, reactivation_mrr = t.reactivation_mrr + EXCLUDED.reactivation_mrr, start_accounts = t.start_accounts + EXCLUDED.start_accounts, churned_accounts = t.churned_accounts + EXCLUDED.churned_accounts, expanded_accounts = t.expanded_accounts + EXCLUDED.expanded_accounts, paying_accounts = t.paying_accounts + EXCLUDED.paying_accounts, retained_mrr = t.retained_mrr + EXCLUDED.retained_mrr, start_accounts_end_mrr = t.start_accounts_end_mrr + EXCLUDED.start_accounts_end_mrr, start_mrr_12 = t.start_mrr_12 + EXCLUDED.start_mrr_12, retained_mrr_12 = t.retained_mrr_12 + EXCLUDED.retained_mrr_12, start_accounts_end_mrr_12 = t.start_accounts_end_mrr_12 + EXCLUDED.start_accounts_end_mrr_12;

-- reporting.mrr.addToOnboardingTotals
INSERT INTO reporting.onboarding_month_totals AS t (workspace_id, month, started, completed)
SELECT $1, month, started, completed
FROM jsonb_to_recordset($2::jsonb) AS r(month date, started int, completed int)
ON CONFLICT (workspace_id, month) DO UPDATE SET started = t.started + EXCLUDED.started,
  completed = t.completed + EXCLUDED.completed;

-- reporting.mrr.addToWorkspaceMonthTotals
INSERT INTO reporting.workspace_month_totals AS t (workspace_id, month, start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, start_accounts, churned_accounts, expanded_accounts, paying_accounts, retained_mrr, start_accounts_end_mrr, start_mrr_12, retained_mrr_12, start_accounts_end_mrr_12)
SELECT $1, month, "startMrr", "endMrr", "newMrr", "expansionMrr", "contractionMrr", "churnedMrr", "reactivationMrr", "startAccounts", "churnedAccounts", "expandedAccounts", "payingAccounts", "retainedMrr", "startAccountsEndMrr", "startMrr12", "retainedMrr12", "startAccountsEndMrr12"
FROM jsonb_to_recordset($2::jsonb) AS r(month date, "startMrr" bigint, "endMrr" bigint, "newMrr" bigint, "expansionMrr" bigint, "contractionMrr" bigint, "churnedMrr" bigint, "reactivationMrr" bigint, "startAccounts" bigint, "churnedAccounts" bigint, "expandedAccounts" bigint, "payingAccounts" bigint, "retainedMrr" bigint, "startAccountsEndMrr" bigint, "startMrr12" bigint, "retainedMrr12" bigint, "startAccountsEndMrr12" bigint)
ON CONFLICT (workspace_id, month) DO UPDATE SET
  start_mrr = t.start_mrr + EXCLUDED.start_mrr, end_mrr = t.end_mrr + EXCLUDED.end_mrr, new_mrr = t.new_mrr + EXCLUDED.new_mrr, expansion_mrr = t.expansion_mrr + EXCLUDED.expansion_mrr, contraction_mrr = t.contraction_mrr + EXCLUDED.contraction_mrr, churned_mrr = t.churned_mrr + EXCLUDED.churned_mrr, reactivation_mrr = t.reactivation_mrr + EXCLUDED.reactivation_mrr, start_accounts = t.start_accounts + EXCLUDED.start_accounts, churned_accounts = t.churned_accounts + EXCLUDED.churned_accounts, expanded_accounts = t.expanded_accounts + EXCLUDED.expanded_accounts, paying_accounts = t.paying_accounts + EXCLUDED.paying_accounts, retained_mrr = t.retained_mrr + EXCLUDED.retained_mrr, start_accounts_end_mrr = t.start_accounts_end_mrr + EXCLUDED.start_accounts_end_mrr, start_mrr_12 = t.start_mrr_12 + EXCLUDED.start_mrr_12, retained_mrr_12 = t.retained_mrr_12 + EXCLUDED.retained_mrr_12, start_accounts_end_mrr_12 = t.start_accounts_end_mrr_12 + EXCLUDED.start_accounts_end_mrr_12;

-- reporting.mrr.behindHorizon
SELECT workspace_id, account_id FROM reporting.accounts
WHERE derived_through < $1 AND (current_mrr > 0 OR last_movement_at >= $2)
ORDER BY workspace_id, account_id LIMIT $3;

-- reporting.mrr.cohortCells
WITH cohort AS (
  SELECT account_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS cohort
  FROM reporting.mrr_movements
  WHERE workspace_id = $1 AND type = 'new' AND occurred_at >= $2 AND occurred_at < $3
), sizes AS (SELECT cohort, count(*) AS size FROM cohort GROUP BY cohort)
SELECT to_char(c.cohort, 'YYYY-MM') AS cohort, to_char(am.month, 'YYYY-MM') AS month,
       s.size::text, count(*) FILTER (WHERE am.end_mrr > 0)::text AS paying, sum(am.end_mrr)::text AS mrr
FROM cohort c
JOIN sizes s USING (cohort)
JOIN reporting.account_months am
  ON am.workspace_id = $1 AND am.account_id = c.account_id AND am.month >= c.cohort AND am.month <= $4::date
GROUP BY c.cohort, am.month, s.size
ORDER BY c.cohort, am.month;

-- reporting.mrr.deleteAccountMonths
DELETE FROM reporting.account_months WHERE workspace_id = $1 AND account_id = ANY($2)
RETURNING account_id, month::text, segment, touch_model, phase, owner, plan, start_mrr, end_mrr, new_mrr,
          expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12;

-- reporting.mrr.deleteConversionErrors
DELETE FROM reporting.conversion_errors WHERE workspace_id = $1 AND account_id = ANY($2);

-- reporting.mrr.deleteMovements
DELETE FROM reporting.mrr_movements WHERE workspace_id = $1 AND account_id = ANY($2);

-- reporting.mrr.ensureAccounts
INSERT INTO reporting.accounts (workspace_id, account_id) SELECT $1, unnest($2::text[])
ON CONFLICT DO NOTHING;

-- reporting.mrr.insertAccountMonths
INSERT INTO reporting.account_months (workspace_id, account_id, month, segment, touch_model, phase, owner, plan,
  start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12)
SELECT $1, "accountId", month, segment, "touchModel", phase, owner, plan, "startMrr", "endMrr", "newMrr",
       "expansionMrr", "contractionMrr", "churnedMrr", "reactivationMrr", expansions, "startMrr12"
FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, month date, segment text, "touchModel" text, phase text, owner text, plan text, "startMrr" bigint, "endMrr" bigint, "newMrr" bigint, "expansionMrr" bigint, "contractionMrr" bigint, "churnedMrr" bigint, "reactivationMrr" bigint, expansions int, "startMrr12" bigint);

-- reporting.mrr.insertConversionErrors
INSERT INTO reporting.conversion_errors (event_id, workspace_id, account_id, subscription_id, occurred_at, currency, amount)
SELECT "eventId", $1, "accountId", "subscriptionId", at, currency, amount
FROM jsonb_to_recordset($2::jsonb) AS r("eventId" text, "accountId" text, "subscriptionId" text, at timestamptz, currency text, amount numeric);

-- reporting.mrr.insertMovements
INSERT INTO reporting.mrr_movements (workspace_id, account_id, occurred_at, event_id, type, amount, from_mrr, to_mrr)
SELECT $1, "accountId", at, "eventId", type, amount, "fromMrr", "toMrr"
FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, at timestamptz, "eventId" text, type text, amount bigint, "fromMrr" bigint, "toMrr" bigint);

-- reporting.mrr.insertSubscriptionEvents
INSERT INTO reporting.subscription_events
  (event_id, workspace_id, account_id, subscription_id, kind, occurred_at, mrr, currency, plan, seats)
SELECT id, ws, account, sub, kind, at, mrr, currency, plan, seats
FROM jsonb_to_recordset($1::jsonb) AS r(id text, ws text, account text, sub text, kind text, at timestamptz, mrr numeric, currency text, plan text, seats numeric)
ON CONFLICT DO NOTHING;

-- reporting.mrr.ledger
SELECT event_id, account_id, subscription_id, kind,
       (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at_ms, mrr::text, currency
FROM reporting.subscription_events WHERE workspace_id = $1 AND account_id = ANY($2);

-- reporting.mrr.lockAccounts
SELECT 1 FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2)
ORDER BY account_id FOR UPDATE;

-- reporting.mrr.onboardingRecounts
SELECT account_id, (extract(epoch FROM first_started_at) * 1000)::bigint::text AS first_started_ms,
       (extract(epoch FROM onboarding_completed_at) * 1000)::bigint::text AS completed_ms,
       onboarding_month::text AS month, onboarding_completed AS completed
FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2)
ORDER BY account_id FOR UPDATE;

-- reporting.mrr.recordOnboardingCounts
UPDATE reporting.accounts a SET onboarding_month = r.month, onboarding_completed = r.completed
FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, month date, completed boolean)
WHERE a.workspace_id = $1 AND a.account_id = r."accountId";

-- reporting.mrr.recordProfiles
INSERT INTO reporting.accounts AS a (workspace_id, account_id, onboarding_completed_at, profile_at, profile_event_id)
SELECT DISTINCT ON (account) $1, account, completed, at, id
FROM jsonb_to_recordset($2::jsonb) AS r(account text, at timestamptz, id text, completed timestamptz)
ORDER BY account, at DESC, id DESC
ON CONFLICT (workspace_id, account_id) DO UPDATE SET onboarding_completed_at = EXCLUDED.onboarding_completed_at,
  profile_at = EXCLUDED.profile_at, profile_event_id = EXCLUDED.profile_event_id
WHERE a.profile_at IS NULL OR (EXCLUDED.profile_at, EXCLUDED.profile_event_id) > (a.profile_at, a.profile_event_id);

-- reporting.mrr.updateAccounts
UPDATE reporting.accounts a SET first_started_at = r."firstStartedAt", current_mrr = r."currentMrr",
  last_movement_at = r."lastMovementAt", derived_through = r."derivedThrough"
FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, "firstStartedAt" timestamptz, "currentMrr" bigint, "lastMovementAt" timestamptz, "derivedThrough" date)
WHERE a.workspace_id = $1 AND a.account_id = r."accountId";
