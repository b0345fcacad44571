-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.read-models.delete_account_attributes
DELETE FROM reporting.account_attributes WHERE workspace_id = $1;

-- reporting.read-models.delete_account_months
DELETE FROM reporting.account_months WHERE workspace_id = $1;

-- reporting.read-models.delete_account_outlook
DELETE FROM reporting.account_outlook WHERE workspace_id = $1;

-- reporting.read-models.delete_accounts
DELETE FROM reporting.accounts WHERE workspace_id = $1;

-- reporting.read-models.delete_activity_accounts
DELETE FROM reporting.activity_accounts WHERE workspace_id = $1;

-- reporting.read-models.delete_activity_totals
DELETE FROM reporting.activity_totals WHERE workspace_id = $1;

-- reporting.read-models.delete_activity_user_days
DELETE FROM reporting.activity_user_days WHERE workspace_id = $1;

-- reporting.read-models.delete_activity_users
DELETE FROM reporting.activity_users WHERE workspace_id = $1;

-- reporting.read-models.delete_alerts
DELETE FROM reporting.alerts WHERE workspace_id = $1;

-- reporting.read-models.delete_attribute_changes
DELETE FROM reporting.attribute_changes WHERE workspace_id = $1;

-- reporting.read-models.delete_band_changes
DELETE FROM reporting.band_changes WHERE workspace_id = $1;

-- reporting.read-models.delete_conversion_errors
DELETE FROM reporting.conversion_errors WHERE workspace_id = $1;

-- reporting.read-models.delete_month_totals
DELETE FROM reporting.month_totals WHERE workspace_id = $1;

-- reporting.read-models.delete_mrr_movements
DELETE FROM reporting.mrr_movements WHERE workspace_id = $1;

-- reporting.read-models.delete_nps_latest
DELETE FROM reporting.nps_latest WHERE workspace_id = $1;

-- reporting.read-models.delete_onboarding_month_totals
DELETE FROM reporting.onboarding_month_totals WHERE workspace_id = $1;

-- reporting.read-models.delete_playbook_runs
DELETE FROM reporting.playbook_runs WHERE workspace_id = $1;

-- reporting.read-models.delete_subscription_events
DELETE FROM reporting.subscription_events WHERE workspace_id = $1;

-- reporting.read-models.delete_survey_month_totals
DELETE FROM reporting.survey_month_totals WHERE workspace_id = $1;

-- reporting.read-models.delete_survey_responses
DELETE FROM reporting.survey_responses WHERE workspace_id = $1;

-- reporting.read-models.delete_workspace_month_totals
DELETE FROM reporting.workspace_month_totals WHERE workspace_id = $1;

-- reporting.read-models.forgetInbox
DELETE FROM reporting.inbox WHERE consumer = $1 AND event_id = ANY($2);

-- reporting.read-models.truncate
TRUNCATE reporting.inbox, reporting.subscription_events, reporting.attribute_changes, reporting.account_attributes, reporting.accounts, reporting.survey_responses, reporting.nps_latest, reporting.survey_month_totals, reporting.onboarding_month_totals, reporting.activity_user_days, reporting.activity_users, reporting.activity_accounts, reporting.activity_totals, reporting.band_changes, reporting.alerts, reporting.playbook_runs, reporting.mrr_movements, reporting.conversion_errors, reporting.account_months, reporting.month_totals, reporting.workspace_month_totals, reporting.account_outlook;
