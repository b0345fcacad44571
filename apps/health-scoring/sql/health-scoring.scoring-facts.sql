-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.scoring-facts.activeOverrides
SELECT workspace_id, account_id, id, score, reason, author, expires_at FROM health_scoring.overrides JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE ended_at IS NULL;

-- health-scoring.scoring-facts.featureFirstUses
SELECT workspace_id, account_id, name, min(occurred_at) AS first_at FROM health_scoring.account_events JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE occurred_at <= $3 AND name = ANY($4::text[]) GROUP BY workspace_id, account_id, name;

-- health-scoring.scoring-facts.lastHistoryPoints
SELECT k.workspace_id, k.account_id, h.at FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
CROSS JOIN LATERAL (SELECT at FROM health_scoring.score_history h
  WHERE h.workspace_id = k.workspace_id AND h.account_id = k.account_id ORDER BY at DESC LIMIT 1) h;

-- health-scoring.scoring-facts.mrrPointsUntil
SELECT workspace_id, account_id, at, mrr FROM health_scoring.mrr_points JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id) WHERE at <= $3 ORDER BY at;

-- health-scoring.scoring-facts.pastDays
  SELECT workspace_id, account_id, day::text AS day, events, sign_ins, tickets_opened, p1_opened, csat_sum,
csat_count, engagement_events, outcomes
  FROM health_scoring.account_days JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id) WHERE day >= $3::date - 455 AND day <= $4::date ORDER BY day;

-- health-scoring.scoring-facts.pastNpsAnswers
SELECT workspace_id, account_id, occurred_at, (detail->>'score')::float8 AS score
FROM health_scoring.account_events JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE occurred_at <= $3 AND detail->>'survey' = 'nps' AND detail ? 'score' ORDER BY occurred_at, event_id;

-- health-scoring.scoring-facts.pastTickets
SELECT workspace_id, account_id, priority, opened_at, resolved_at FROM health_scoring.tickets JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE opened_at >= $3::date - 30 AND opened_at <= $4;

-- health-scoring.scoring-facts.pastUserDays
SELECT workspace_id, account_id, day::text AS day, user_id FROM health_scoring.account_user_days JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE day >= $3::date - 29 AND day <= $4::date;

-- health-scoring.scoring-facts.presentActiveUsers
SELECT workspace_id, account_id, count(DISTINCT user_id)::int AS d30,
  count(DISTINCT user_id) FILTER (WHERE day >= $5::date)::int AS d7,
  count(DISTINCT user_id) FILTER (WHERE day >= $6::date AND day < $5::date)::int AS prev7
FROM health_scoring.account_user_days JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE day >= $3::date AND day <= $4::date GROUP BY workspace_id, account_id;

-- health-scoring.scoring-facts.presentDays
  SELECT workspace_id, account_id, day::text AS day, events, sign_ins, tickets_opened, p1_opened, csat_sum,
csat_count, engagement_events, outcomes
  FROM health_scoring.account_days JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id) WHERE day >= $3::date - 455 AND day <= $4::date;

-- health-scoring.scoring-facts.presentTickets
SELECT workspace_id, account_id, priority, resolved_at IS NOT NULL AND resolved_at <= $4 AS resolved
FROM health_scoring.tickets JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id) WHERE opened_at >= $3 AND opened_at <= $4;
