-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.alerts.byRuleType
SELECT rule_type,
       count(*) FILTER (WHERE raised_at >= $2 AND raised_at < $3)::int AS raised,
       count(*) FILTER (WHERE resolved_at >= $2 AND resolved_at < $3)::int AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - raised_at) / 3600)
         FILTER (WHERE resolved_at >= $2 AND resolved_at < $3) AS median_hours
FROM reporting.alerts
WHERE workspace_id = $1 AND ((raised_at >= $2 AND raised_at < $3) OR (resolved_at >= $2 AND resolved_at < $3))
GROUP BY rule_type ORDER BY rule_type;

-- reporting.alerts.upsert
INSERT INTO reporting.alerts (workspace_id, alert_id, account_id, rule_type, raised_at, resolved_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (workspace_id, alert_id) DO UPDATE SET rule_type = EXCLUDED.rule_type,
  raised_at = EXCLUDED.raised_at, resolved_at = EXCLUDED.resolved_at;
