-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.kpis.activitySliced
WITH v AS (
  SELECT s.account_id, date_trunc('month', s.valid_from AT TIME ZONE 'UTC')::date AS first_month,
         date_trunc('month', s.valid_to AT TIME ZONE 'UTC')::date AS end_month
  FROM reporting.account_attributes s
  WHERE s.workspace_id = $1
  AND ($4::text IS NULL OR lower(s.segment) = lower($4))
  AND ($5::text IS NULL OR s.touch_model = $5)
  AND ($6::text IS NULL OR s.phase = $6)
  AND ($7::text IS NULL OR lower(s.owner) = lower($7))
  AND ($8::text IS NULL OR lower(s.plan) = lower($8))
), accounts AS (
  SELECT a.month, count(*) AS accounts FROM v JOIN reporting.activity_accounts a ON a.workspace_id = $1 AND a.account_id = v.account_id
    AND a.month BETWEEN $2 AND $3 AND a.month >= v.first_month AND a.month < v.end_month
  GROUP BY a.month
), users AS (
  SELECT d.month, d.user_id, bit_or(d.days) AS days FROM v JOIN reporting.activity_user_days d ON d.workspace_id = $1 AND d.account_id = v.account_id
    AND d.month BETWEEN $2 AND $3 AND d.month >= v.first_month AND d.month < v.end_month
  GROUP BY d.month, d.user_id
)
SELECT to_char(a.month, 'YYYY-MM') AS month, a.accounts::text,
       coalesce(u.users, 0)::text AS users, coalesce(u.user_days, 0)::text AS user_days
FROM accounts a
LEFT JOIN (SELECT month, count(*) AS users, sum(bit_count(days::bit(32))) AS user_days FROM users GROUP BY month) u
  USING (month);

-- reporting.kpis.activitySlicedWithUnset
WITH active AS (
  SELECT a.month, a.account_id FROM reporting.activity_accounts a LEFT JOIN reporting.account_attributes s ON s.workspace_id = $1 AND s.account_id = a.account_id AND s.valid_from < ((a.month + interval '1 month') AT TIME ZONE 'UTC') AND ((a.month + interval '1 month') AT TIME ZONE 'UTC') <= s.valid_to
    JOIN LATERAL (SELECT coalesce(s.segment, '') AS segment, coalesce(s.touch_model, '') AS touch_model, coalesce(s.phase, '') AS phase, coalesce(s.owner, '') AS owner, coalesce(s.plan, '') AS plan) x ON true
  AND ($4::text IS NULL OR lower(x.segment) = lower($4))
  AND ($5::text IS NULL OR x.touch_model = $5)
  AND ($6::text IS NULL OR x.phase = $6)
  AND ($7::text IS NULL OR lower(x.owner) = lower($7))
  AND ($8::text IS NULL OR lower(x.plan) = lower($8))
  WHERE a.workspace_id = $1 AND a.month BETWEEN $2 AND $3
), users AS (
  SELECT d.month, d.user_id, bit_or(d.days) AS days
  FROM reporting.activity_user_days d JOIN active USING (month, account_id)
  WHERE d.workspace_id = $1 AND d.month BETWEEN $2 AND $3
  GROUP BY d.month, d.user_id
)
SELECT to_char(a.month, 'YYYY-MM') AS month, a.accounts::text,
       coalesce(u.users, 0)::text AS users, coalesce(u.user_days, 0)::text AS user_days
FROM (SELECT month, count(*) AS accounts FROM active GROUP BY month) a
LEFT JOIN (SELECT month, count(*) AS users, sum(bit_count(days::bit(32))) AS user_days FROM users GROUP BY month) u
  USING (month);

-- reporting.kpis.activityTotals
SELECT to_char(month, 'YYYY-MM') AS month, active_accounts, users, user_days
FROM reporting.activity_totals WHERE workspace_id = $1 AND month BETWEEN $2 AND $3;

-- reporting.kpis.conversionErrors
SELECT event_id, account_id, subscription_id, occurred_at, currency, amount::text
FROM reporting.conversion_errors WHERE workspace_id = $1 AND occurred_at < $2
ORDER BY occurred_at, event_id LIMIT 1000;

-- reporting.kpis.csatSliced
WITH v AS (
  SELECT s.account_id, date_trunc('month', s.valid_from AT TIME ZONE 'UTC')::date AS first_month,
         date_trunc('month', s.valid_to AT TIME ZONE 'UTC')::date AS end_month
  FROM reporting.account_attributes s
  WHERE s.workspace_id = $1
  AND ($4::text IS NULL OR lower(s.segment) = lower($4))
  AND ($5::text IS NULL OR s.touch_model = $5)
  AND ($6::text IS NULL OR s.phase = $6)
  AND ($7::text IS NULL OR lower(s.owner) = lower($7))
  AND ($8::text IS NULL OR lower(s.plan) = lower($8))
)
SELECT to_char(c.month, 'YYYY-MM') AS month, count(*)::int AS responses,
       count(*) FILTER (WHERE c.score >= 4)::int AS satisfied
FROM v JOIN reporting.survey_responses c ON c.workspace_id = $1 AND c.account_id = v.account_id
    AND c.month BETWEEN $2 AND $3 AND c.month >= v.first_month AND c.month < v.end_month AND c.survey = 'csat'
GROUP BY c.month;

-- reporting.kpis.csatSlicedWithUnset
SELECT to_char(c.month, 'YYYY-MM') AS month, count(*)::int AS responses,
       count(*) FILTER (WHERE c.score >= 4)::int AS satisfied
FROM reporting.survey_responses c LEFT JOIN reporting.account_attributes s ON s.workspace_id = $1 AND s.account_id = c.account_id AND s.valid_from < ((c.month + interval '1 month') AT TIME ZONE 'UTC') AND ((c.month + interval '1 month') AT TIME ZONE 'UTC') <= s.valid_to
    JOIN LATERAL (SELECT coalesce(s.segment, '') AS segment, coalesce(s.touch_model, '') AS touch_model, coalesce(s.phase, '') AS phase, coalesce(s.owner, '') AS owner, coalesce(s.plan, '') AS plan) x ON true
  AND ($4::text IS NULL OR lower(x.segment) = lower($4))
  AND ($5::text IS NULL OR x.touch_model = $5)
  AND ($6::text IS NULL OR x.phase = $6)
  AND ($7::text IS NULL OR lower(x.owner) = lower($7))
  AND ($8::text IS NULL OR lower(x.plan) = lower($8))
WHERE c.workspace_id = $1 AND c.survey = 'csat' AND c.month BETWEEN $2 AND $3
GROUP BY c.month;

-- reporting.kpis.mrrTotals
SELECT to_char(month, 'YYYY-MM') AS month,
       start_mrr::text AS "startMrr",
       end_mrr::text AS "endMrr",
       new_mrr::text AS "newMrr",
       expansion_mrr::text AS "expansionMrr",
       contraction_mrr::text AS "contractionMrr",
       churned_mrr::text AS "churnedMrr",
       reactivation_mrr::text AS "reactivationMrr",
       start_accounts::text AS "startAccounts",
       churned_accounts::text AS "churnedAccounts",
       expanded_accounts::text AS "expandedAccounts",
       paying_accounts::text AS "payingAccounts",
       retained_mrr::text AS "retainedMrr",
       start_accounts_end_mrr::text AS "startAccountsEndMrr",
       start_mrr_12::text AS "startMrr12",
       retained_mrr_12::text AS "retainedMrr12",
       start_accounts_end_mrr_12::text AS "startAccountsEndMrr12"
FROM reporting.workspace_month_totals
WHERE workspace_id = $1 AND month BETWEEN $2 AND $3;

-- reporting.kpis.mrrTotalsSliced
SELECT to_char(month, 'YYYY-MM') AS month,
       sum(start_mrr)::text AS "startMrr",
       sum(end_mrr)::text AS "endMrr",
       sum(new_mrr)::text AS "newMrr",
       sum(expansion_mrr)::text AS "expansionMrr",
       sum(contraction_mrr)::text AS "contractionMrr",
       sum(churned_mrr)::text AS "churnedMrr",
       sum(reactivation_mrr)::text AS "reactivationMrr",
       sum(start_accounts)::text AS "startAccounts",
       sum(churned_accounts)::text AS "churnedAccounts",
       sum(expanded_accounts)::text AS "expandedAccounts",
       sum(paying_accounts)::text AS "payingAccounts",
       sum(retained_mrr)::text AS "retainedMrr",
       sum(start_accounts_end_mrr)::text AS "startAccountsEndMrr",
       sum(start_mrr_12)::text AS "startMrr12",
       sum(retained_mrr_12)::text AS "retainedMrr12",
       sum(start_accounts_end_mrr_12)::text AS "startAccountsEndMrr12"
FROM reporting.month_totals t
WHERE workspace_id = $1 AND month BETWEEN $2 AND $3
AND ($4::text IS NULL OR lower(t.segment) = lower($4))
AND ($5::text IS NULL OR t.touch_model = $5)
AND ($6::text IS NULL OR t.phase = $6)
AND ($7::text IS NULL OR lower(t.owner) = lower($7))
AND ($8::text IS NULL OR lower(t.plan) = lower($8))
GROUP BY month;

-- reporting.kpis.npsSliced
WITH v AS (
  SELECT s.account_id, date_trunc('month', s.valid_from AT TIME ZONE 'UTC')::date AS first_month,
         date_trunc('month', s.valid_to AT TIME ZONE 'UTC')::date AS end_month
  FROM reporting.account_attributes s
  WHERE s.workspace_id = $1
  AND ($4::text IS NULL OR lower(s.segment) = lower($4))
  AND ($5::text IS NULL OR s.touch_model = $5)
  AND ($6::text IS NULL OR s.phase = $6)
  AND ($7::text IS NULL OR lower(s.owner) = lower($7))
  AND ($8::text IS NULL OR lower(s.plan) = lower($8))
)
SELECT to_char(n.month, 'YYYY-MM') AS month, count(*)::int AS respondents,
       count(*) FILTER (WHERE n.score >= 9)::int AS promoters,
       count(*) FILTER (WHERE n.score <= 6)::int AS detractors
FROM v JOIN reporting.nps_latest n ON n.workspace_id = $1 AND n.account_id = v.account_id
    AND n.month BETWEEN $2 AND $3 AND n.month >= v.first_month AND n.month < v.end_month
GROUP BY n.month;

-- reporting.kpis.npsSlicedWithUnset
SELECT to_char(n.month, 'YYYY-MM') AS month, count(*)::int AS respondents,
       count(*) FILTER (WHERE n.score >= 9)::int AS promoters,
       count(*) FILTER (WHERE n.score <= 6)::int AS detractors
FROM reporting.nps_latest n LEFT JOIN reporting.account_attributes s ON s.workspace_id = $1 AND s.account_id = n.account_id AND s.valid_from < ((n.month + interval '1 month') AT TIME ZONE 'UTC') AND ((n.month + interval '1 month') AT TIME ZONE 'UTC') <= s.valid_to
    JOIN LATERAL (SELECT coalesce(s.segment, '') AS segment, coalesce(s.touch_model, '') AS touch_model, coalesce(s.phase, '') AS phase, coalesce(s.owner, '') AS owner, coalesce(s.plan, '') AS plan) x ON true
  AND ($4::text IS NULL OR lower(x.segment) = lower($4))
  AND ($5::text IS NULL OR x.touch_model = $5)
  AND ($6::text IS NULL OR x.phase = $6)
  AND ($7::text IS NULL OR lower(x.owner) = lower($7))
  AND ($8::text IS NULL OR lower(x.plan) = lower($8))
WHERE n.workspace_id = $1 AND n.month BETWEEN $2 AND $3
GROUP BY n.month;

-- reporting.kpis.onboarding
SELECT month, sum(eligible)::int AS eligible, sum(completed)::int AS completed FROM (
  SELECT to_char(month, 'YYYY-MM') AS month, started AS eligible, completed
  FROM reporting.onboarding_month_totals
  WHERE workspace_id = $1 AND month >= ($2::timestamptz AT TIME ZONE 'UTC')::date
    AND month < (least($3::timestamptz, $5::timestamptz) AT TIME ZONE 'UTC')::date
  UNION ALL
  SELECT to_char(first_started_at AT TIME ZONE 'UTC', 'YYYY-MM'), 1, onboarding_completed::int
  FROM reporting.accounts
  WHERE workspace_id = $1 AND first_started_at >= greatest($2::timestamptz, $5::timestamptz)
    AND first_started_at < $3 AND first_started_at <= $4
) o GROUP BY month;

-- reporting.kpis.onboardingSliced
SELECT to_char(o.month, 'YYYY-MM') AS month, count(*)::int AS eligible,
       count(*) FILTER (WHERE o.onboarding_completed)::int AS completed
FROM (SELECT account_id, onboarding_completed,
             date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date AS month
      FROM reporting.accounts
      WHERE workspace_id = $1 AND first_started_at >= $2 AND first_started_at < $3
        AND first_started_at <= $4) o
JOIN reporting.account_attributes s ON s.workspace_id = $1 AND s.account_id = o.account_id AND s.valid_from < ((o.month + interval '1 month') AT TIME ZONE 'UTC') AND ((o.month + interval '1 month') AT TIME ZONE 'UTC') <= s.valid_to
  AND ($5::text IS NULL OR lower(s.segment) = lower($5))
  AND ($6::text IS NULL OR s.touch_model = $6)
  AND ($7::text IS NULL OR s.phase = $7)
  AND ($8::text IS NULL OR lower(s.owner) = lower($8))
  AND ($9::text IS NULL OR lower(s.plan) = lower($9))
GROUP BY o.month;

-- reporting.kpis.onboardingSlicedWithUnset
SELECT to_char(o.month, 'YYYY-MM') AS month, count(*)::int AS eligible,
       count(*) FILTER (WHERE o.onboarding_completed)::int AS completed
FROM (SELECT account_id, onboarding_completed,
             date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date AS month
      FROM reporting.accounts
      WHERE workspace_id = $1 AND first_started_at >= $2 AND first_started_at < $3
        AND first_started_at <= $4) o
LEFT JOIN reporting.account_attributes s ON s.workspace_id = $1 AND s.account_id = o.account_id AND s.valid_from < ((o.month + interval '1 month') AT TIME ZONE 'UTC') AND ((o.month + interval '1 month') AT TIME ZONE 'UTC') <= s.valid_to
    JOIN LATERAL (SELECT coalesce(s.segment, '') AS segment, coalesce(s.touch_model, '') AS touch_model, coalesce(s.phase, '') AS phase, coalesce(s.owner, '') AS owner, coalesce(s.plan, '') AS plan) x ON true
  AND ($5::text IS NULL OR lower(x.segment) = lower($5))
  AND ($6::text IS NULL OR x.touch_model = $6)
  AND ($7::text IS NULL OR x.phase = $7)
  AND ($8::text IS NULL OR lower(x.owner) = lower($8))
  AND ($9::text IS NULL OR lower(x.plan) = lower($9))
GROUP BY o.month;

-- reporting.kpis.surveyTotals
SELECT to_char(month, 'YYYY-MM') AS month, nps_respondents AS respondents, promoters, detractors,
       csat_responses AS responses, csat_satisfied AS satisfied
FROM reporting.survey_month_totals WHERE workspace_id = $1 AND month BETWEEN $2 AND $3;
