-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.predictions.accounts
SELECT account_id, renewal_date::text AS renewal_date FROM health_scoring.accounts
WHERE workspace_id = $1 ORDER BY account_id;

-- health-scoring.predictions.mrrPoints
SELECT account_id, at, mrr::float8 AS mrr FROM health_scoring.mrr_points
WHERE workspace_id = $1 AND at < $2::timestamptz;

-- health-scoring.predictions.subscriptionEvents
SELECT account_id, occurred_at, name, coalesce(detail->>'subscription_id', '') AS subscription_id
FROM health_scoring.account_events
WHERE workspace_id = $1 AND occurred_at < $2::timestamptz
  AND name IN ('Subscription Started', 'Subscription Changed', 'Subscription Renewed', 'Subscription Cancelled');

-- health-scoring.predictions.valuesAt
SELECT k.account_id, k.day::text AS day, h.measures
FROM unnest($2::text[], $3::date[]) AS k(account_id, day)
CROSS JOIN LATERAL (SELECT measures FROM health_scoring.score_history h
  WHERE h.workspace_id = $1 AND h.account_id = k.account_id
    AND h.at < ((k.day + 1)::timestamp AT TIME ZONE 'UTC') AND h.measures IS NOT NULL
  ORDER BY h.at DESC, h.id DESC LIMIT 1) h;

-- health-scoring.predictions.valuesOnDays
SELECT a.account_id, d.day::text AS day, v.vals
FROM health_scoring.accounts a
CROSS JOIN unnest($2::date[]) AS d(day)
CROSS JOIN LATERAL (SELECT array(SELECT (h.measures->>x.metric)::float8
    FROM unnest($3::text[]) WITH ORDINALITY AS x(metric, n) ORDER BY x.n) AS vals
  FROM health_scoring.score_history h
  WHERE h.workspace_id = $1 AND h.account_id = a.account_id
    AND h.at < ((d.day + 1)::timestamp AT TIME ZONE 'UTC') AND h.measures IS NOT NULL
  ORDER BY h.at DESC, h.id DESC LIMIT 1) v
WHERE a.workspace_id = $1 AND ($4::text[] IS NULL OR a.account_id = ANY($4::text[]))
ORDER BY a.account_id, d.day;
