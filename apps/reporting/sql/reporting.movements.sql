-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.movements.accountTotals
SELECT to_char(month, 'YYYY-MM') AS month, start_mrr::text, new_mrr::text, expansion_mrr::text,
       contraction_mrr::text, churned_mrr::text, reactivation_mrr::text, end_mrr::text
FROM reporting.account_months WHERE workspace_id = $1 AND account_id = $4 AND month BETWEEN $2 AND $3;

-- reporting.movements.movements
SELECT mv.account_id, mv.occurred_at, mv.type, mv.amount::text, mv.from_mrr::text, mv.to_mrr::text, mv.event_id
FROM reporting.mrr_movements mv
WHERE mv.workspace_id = $1 AND mv.occurred_at >= $2 AND mv.occurred_at < $3
  AND ($7::text IS NULL OR mv.account_id = $7)
  AND ($5::timestamptz IS NULL OR (mv.occurred_at, mv.account_id) > ($5::timestamptz, $6::text))
ORDER BY mv.occurred_at, mv.account_id LIMIT $4;

-- reporting.movements.movementsSliced
SELECT mv.account_id, mv.occurred_at, mv.type, mv.amount::text, mv.from_mrr::text, mv.to_mrr::text, mv.event_id
FROM reporting.mrr_movements mv JOIN reporting.account_months am ON am.workspace_id = mv.workspace_id AND am.account_id = mv.account_id
  AND am.month = date_trunc('month', mv.occurred_at AT TIME ZONE 'UTC')::date
  AND ($7::text IS NULL OR lower(am.segment) = lower($7))
  AND ($8::text IS NULL OR am.touch_model = $8)
  AND ($9::text IS NULL OR am.phase = $9)
  AND ($10::text IS NULL OR lower(am.owner) = lower($10))
  AND ($11::text IS NULL OR lower(am.plan) = lower($11))
WHERE mv.workspace_id = $1 AND mv.occurred_at >= $2 AND mv.occurred_at < $3
  AND ($5::timestamptz IS NULL OR (mv.occurred_at, mv.account_id) > ($5::timestamptz, $6::text))
ORDER BY mv.occurred_at, mv.account_id LIMIT $4;
