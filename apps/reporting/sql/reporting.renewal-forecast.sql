-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.renewal-forecast.forecast
SELECT made_at, currency FROM reporting.renewal_forecasts WHERE workspace_id = $1 AND day = $2::date;

-- reporting.renewal-forecast.forecastOutcomes
SELECT f.account_id, to_char(f.renewal_date, 'YYYY-MM-DD') AS renewal_date, f.mrr::text AS mrr,
       f.predicted_at, f.churn_risk,
       coalesce((SELECT m.to_mrr FROM reporting.mrr_movements m
                 WHERE m.workspace_id = f.workspace_id AND m.account_id = f.account_id AND m.occurred_at < $3
                 ORDER BY m.occurred_at DESC LIMIT 1), 0)::text AS end_mrr
FROM reporting.renewal_forecast_accounts f
WHERE f.workspace_id = $1 AND f.day = $2::date;

-- reporting.renewal-forecast.recordForecastAccounts
INSERT INTO reporting.renewal_forecast_accounts
  (workspace_id, day, account_id, renewal_date, mrr, predicted_at, churn_risk)
SELECT o.workspace_id, $2::date, o.account_id, o.renewal_date, a.current_mrr, o.as_of, o.churn_risk
FROM reporting.account_outlook o
JOIN reporting.accounts a ON a.workspace_id = o.workspace_id AND a.account_id = o.account_id
WHERE o.workspace_id = ANY($1::text[]) AND o.renewal_date >= $2::date AND o.renewal_date < $3::date
  AND a.current_mrr > 0;

-- reporting.renewal-forecast.recordForecasts
INSERT INTO reporting.renewal_forecasts (workspace_id, day, made_at, currency)
SELECT w.workspace_id, $1::date, $2, coalesce(s.currency, $3)
FROM (SELECT DISTINCT workspace_id FROM reporting.account_outlook) w
LEFT JOIN reporting.settings s ON s.workspace_id = w.workspace_id
ON CONFLICT DO NOTHING
RETURNING workspace_id;

-- reporting.renewal-forecast.recordedDays
SELECT to_char(day, 'YYYY-MM-DD') AS day FROM reporting.renewal_forecasts
WHERE workspace_id = $1 AND day >= $2::date AND day <= $3::date ORDER BY day;

-- reporting.renewal-forecast.renewals
SELECT o.account_id, to_char(o.renewal_date, 'YYYY-MM-DD') AS renewal_date, a.current_mrr::text AS mrr,
       o.as_of AS predicted_at, o.churn_risk
FROM reporting.account_outlook o
JOIN reporting.accounts a ON a.workspace_id = o.workspace_id AND a.account_id = o.account_id
WHERE o.workspace_id = $1 AND o.renewal_date >= $2::date AND o.renewal_date < $3::date AND a.current_mrr > 0;
