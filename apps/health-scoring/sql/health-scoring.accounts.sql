-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.accounts.account
SELECT a.account_id, a.name, a.plan, a.mrr::float8 AS mrr, a.seats,
a.renewal_date::text AS renewal_date, a.owner, a.segment, a.industry, a.traits, a.phase,
a.touch_model, a.first_seen_at, a.last_seen_at, a.last_sign_in_at, a.latest_nps,
a.computed_score::float8 AS computed_score, a.score::text AS score_key, a.band,
a.coverage::float8 AS coverage, a.scorecard_id, a.scored_at, a.churned_at, lower(coalesce(a.name, a.account_id)) AS name_key,
a.churn_risk, a.churn_probability::text AS churn_key,
o.id AS override_id, o.score::float8 AS override_score, o.reason AS override_reason,
o.author AS override_author, o.created_at AS override_created_at, o.expires_at AS override_expires_at, a.measures, s.measures AS scorecard_measures
FROM health_scoring.accounts a LEFT JOIN health_scoring.overrides o
ON o.workspace_id = a.workspace_id AND o.account_id = a.account_id
AND o.ended_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > $3)
LEFT JOIN health_scoring.scorecards s ON s.workspace_id = a.workspace_id AND s.id = a.scorecard_id
WHERE a.workspace_id = $1 AND a.account_id = $2;

-- health-scoring.accounts.history
SELECT at, score::float8 AS score, band, computed_score::float8 AS computed_score,
coverage::float8 AS coverage, reason
FROM health_scoring.score_history
WHERE workspace_id = $1 AND account_id = $2 AND at >= $3 AND at <= $4
ORDER BY at DESC, id DESC LIMIT $5;

-- health-scoring.accounts.pageByChurnRisk
SELECT a.account_id, a.name, a.plan, a.mrr::float8 AS mrr, a.seats,
  a.renewal_date::text AS renewal_date, a.owner, a.segment, a.industry, a.traits, a.phase,
  a.touch_model, a.first_seen_at, a.last_seen_at, a.last_sign_in_at, a.latest_nps,
  a.computed_score::float8 AS computed_score, a.score::text AS score_key, a.band,
  a.coverage::float8 AS coverage, a.scorecard_id, a.scored_at, a.churned_at, lower(coalesce(a.name, a.account_id)) AS name_key,
  a.churn_risk, a.churn_probability::text AS churn_key,
  o.id AS override_id, o.score::float8 AS override_score, o.reason AS override_reason,
  o.author AS override_author, o.created_at AS override_created_at, o.expires_at AS override_expires_at
FROM health_scoring.accounts a LEFT JOIN health_scoring.overrides o
  ON o.workspace_id = a.workspace_id AND o.account_id = a.account_id
  AND o.ended_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > $8)
WHERE a.workspace_id = $1
  AND ($2::text[] IS NULL OR a.band = ANY($2::text[]))
  AND ($3::text IS NULL OR lower(a.segment) = lower($3))
  AND ($4::text[] IS NULL OR a.touch_model = ANY($4::text[]))
  AND ($5::text[] IS NULL OR a.phase = ANY($5::text[]))
  AND ($6::text IS NULL OR lower(a.owner) = lower($6))
  AND ($7::text IS NULL OR lower(a.name) LIKE $7 OR lower(a.account_id) LIKE $7)
  AND ($12::numeric IS NULL OR a.churn_probability >= $12::numeric)
  AND ($11::text IS NULL
    OR ($10::numeric IS NULL AND a.churn_probability IS NULL AND a.account_id > $11)
    OR ($10::numeric IS NOT NULL
        AND (a.churn_probability IS NULL OR a.churn_probability < $10::numeric
          OR (a.churn_probability = $10::numeric AND a.account_id > $11))))
ORDER BY a.churn_probability DESC NULLS LAST, a.account_id ASC
LIMIT $9;

-- health-scoring.accounts.pageByName
SELECT a.account_id, a.name, a.plan, a.mrr::float8 AS mrr, a.seats,
  a.renewal_date::text AS renewal_date, a.owner, a.segment, a.industry, a.traits, a.phase,
  a.touch_model, a.first_seen_at, a.last_seen_at, a.last_sign_in_at, a.latest_nps,
  a.computed_score::float8 AS computed_score, a.score::text AS score_key, a.band,
  a.coverage::float8 AS coverage, a.scorecard_id, a.scored_at, a.churned_at, lower(coalesce(a.name, a.account_id)) AS name_key,
  a.churn_risk, a.churn_probability::text AS churn_key,
  o.id AS override_id, o.score::float8 AS override_score, o.reason AS override_reason,
  o.author AS override_author, o.created_at AS override_created_at, o.expires_at AS override_expires_at
FROM health_scoring.accounts a LEFT JOIN health_scoring.overrides o
  ON o.workspace_id = a.workspace_id AND o.account_id = a.account_id
  AND o.ended_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > $8)
WHERE a.workspace_id = $1
  AND ($2::text[] IS NULL OR a.band = ANY($2::text[]))
  AND ($3::text IS NULL OR lower(a.segment) = lower($3))
  AND ($4::text[] IS NULL OR a.touch_model = ANY($4::text[]))
  AND ($5::text[] IS NULL OR a.phase = ANY($5::text[]))
  AND ($6::text IS NULL OR lower(a.owner) = lower($6))
  AND ($7::text IS NULL OR lower(a.name) LIKE $7 OR lower(a.account_id) LIKE $7)
  AND ($12::numeric IS NULL OR a.churn_probability >= $12::numeric)
  AND ($11::text IS NULL OR lower(coalesce(a.name, a.account_id)) > $10::text OR (lower(coalesce(a.name, a.account_id)) = $10::text AND a.account_id > $11))
ORDER BY lower(coalesce(a.name, a.account_id)) ASC, a.account_id ASC
LIMIT $9;

-- health-scoring.accounts.pageByScore
SELECT a.account_id, a.name, a.plan, a.mrr::float8 AS mrr, a.seats,
  a.renewal_date::text AS renewal_date, a.owner, a.segment, a.industry, a.traits, a.phase,
  a.touch_model, a.first_seen_at, a.last_seen_at, a.last_sign_in_at, a.latest_nps,
  a.computed_score::float8 AS computed_score, a.score::text AS score_key, a.band,
  a.coverage::float8 AS coverage, a.scorecard_id, a.scored_at, a.churned_at, lower(coalesce(a.name, a.account_id)) AS name_key,
  a.churn_risk, a.churn_probability::text AS churn_key,
  o.id AS override_id, o.score::float8 AS override_score, o.reason AS override_reason,
  o.author AS override_author, o.created_at AS override_created_at, o.expires_at AS override_expires_at
FROM health_scoring.accounts a LEFT JOIN health_scoring.overrides o
  ON o.workspace_id = a.workspace_id AND o.account_id = a.account_id
  AND o.ended_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > $8)
WHERE a.workspace_id = $1
  AND ($2::text[] IS NULL OR a.band = ANY($2::text[]))
  AND ($3::text IS NULL OR lower(a.segment) = lower($3))
  AND ($4::text[] IS NULL OR a.touch_model = ANY($4::text[]))
  AND ($5::text[] IS NULL OR a.phase = ANY($5::text[]))
  AND ($6::text IS NULL OR lower(a.owner) = lower($6))
  AND ($7::text IS NULL OR lower(a.name) LIKE $7 OR lower(a.account_id) LIKE $7)
  AND ($12::numeric IS NULL OR a.churn_probability >= $12::numeric)
  AND ($11::text IS NULL
    OR ($10::numeric IS NULL AND a.score IS NULL AND a.account_id > $11)
    OR ($10::numeric IS NOT NULL
        AND (a.score IS NULL OR a.score > $10::numeric OR (a.score = $10::numeric AND a.account_id > $11))))
ORDER BY a.score ASC NULLS LAST, a.account_id ASC
LIMIT $9;

-- health-scoring.accounts.pageByScoreDescending
SELECT a.account_id, a.name, a.plan, a.mrr::float8 AS mrr, a.seats,
  a.renewal_date::text AS renewal_date, a.owner, a.segment, a.industry, a.traits, a.phase,
  a.touch_model, a.first_seen_at, a.last_seen_at, a.last_sign_in_at, a.latest_nps,
  a.computed_score::float8 AS computed_score, a.score::text AS score_key, a.band,
  a.coverage::float8 AS coverage, a.scorecard_id, a.scored_at, a.churned_at, lower(coalesce(a.name, a.account_id)) AS name_key,
  a.churn_risk, a.churn_probability::text AS churn_key,
  o.id AS override_id, o.score::float8 AS override_score, o.reason AS override_reason,
  o.author AS override_author, o.created_at AS override_created_at, o.expires_at AS override_expires_at
FROM health_scoring.accounts a LEFT JOIN health_scoring.overrides o
  ON o.workspace_id = a.workspace_id AND o.account_id = a.account_id
  AND o.ended_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > $8)
WHERE a.workspace_id = $1
  AND ($2::text[] IS NULL OR a.band = ANY($2::text[]))
  AND ($3::text IS NULL OR lower(a.segment) = lower($3))
  AND ($4::text[] IS NULL OR a.touch_model = ANY($4::text[]))
  AND ($5::text[] IS NULL OR a.phase = ANY($5::text[]))
  AND ($6::text IS NULL OR lower(a.owner) = lower($6))
  AND ($7::text IS NULL OR lower(a.name) LIKE $7 OR lower(a.account_id) LIKE $7)
  AND ($12::numeric IS NULL OR a.churn_probability >= $12::numeric)
  AND ($11::text IS NULL
    OR ($10::numeric IS NULL AND a.score IS NULL AND a.account_id > $11)
    OR ($10::numeric IS NOT NULL
        AND (a.score IS NULL OR a.score < $10::numeric OR (a.score = $10::numeric AND a.account_id > $11))))
ORDER BY a.score DESC NULLS LAST, a.account_id ASC
LIMIT $9;

-- health-scoring.accounts.pointAsOf
SELECT p.at, p.score::float8 AS score, p.band, p.computed_score::float8 AS computed_score,
  p.coverage::float8 AS coverage, p.reason, v.at AS values_at, v.measures AS values
FROM (SELECT * FROM health_scoring.score_history
  WHERE workspace_id = $1 AND account_id = $2 AND at <= $3 ORDER BY at DESC, id DESC LIMIT 1) p
LEFT JOIN LATERAL (SELECT at, measures FROM health_scoring.score_history
  WHERE workspace_id = $1 AND account_id = $2 AND at <= $3 AND measures IS NOT NULL
  ORDER BY at DESC, id DESC LIMIT 1) v ON true;

-- health-scoring.accounts.pointsInEffect
SELECT p.at, p.score FROM unnest($3::timestamptz[]) AS m(at)
CROSS JOIN LATERAL (
  SELECT h.at, h.score::float8 AS score FROM health_scoring.score_history h
  WHERE h.workspace_id = $1 AND h.account_id = $2 AND h.at <= m.at
  ORDER BY h.at DESC, h.id DESC LIMIT 1
) p;

-- health-scoring.accounts.recentChanges
SELECT at, score::float8 AS score, band, computed_score::float8 AS computed_score,
coverage::float8 AS coverage, reason
FROM health_scoring.score_history
WHERE workspace_id = $1 AND account_id = $2
ORDER BY at DESC, id DESC LIMIT $3;

-- health-scoring.accounts.recentEvents
SELECT event_id, occurred_at, name, detail FROM health_scoring.account_events
WHERE workspace_id = $1 AND account_id = $2
ORDER BY occurred_at DESC, event_id DESC LIMIT $3;

-- health-scoring.accounts.subscriptionEvents
SELECT occurred_at, name, coalesce(detail->>'subscription_id', '') AS subscription_id
FROM health_scoring.account_events
WHERE workspace_id = $1 AND account_id = $2 AND occurred_at <= $3
  AND name IN ('Subscription Started', 'Subscription Changed', 'Subscription Renewed', 'Subscription Cancelled');
