-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.playbook-runs.finished
INSERT INTO reporting.playbook_runs (workspace_id, run_id, playbook_id, playbook_name, account_id, status, finished_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (workspace_id, run_id) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
  account_id = coalesce(reporting.playbook_runs.account_id, EXCLUDED.account_id);

-- reporting.playbook-runs.outcomes
WITH runs AS (
  SELECT r.*, (SELECT to_mrr FROM reporting.mrr_movements m
               WHERE m.workspace_id = r.workspace_id AND m.account_id = r.account_id AND m.occurred_at <= r.started_at
               ORDER BY m.occurred_at DESC LIMIT 1) AS mrr_start,
              (SELECT to_mrr FROM reporting.mrr_movements m
               WHERE m.workspace_id = r.workspace_id AND m.account_id = r.account_id
                 AND m.occurred_at <= r.started_at + interval '90 days'
               ORDER BY m.occurred_at DESC LIMIT 1) AS mrr_later,
              r.started_at + interval '90 days' <= $4 AS matured
  FROM reporting.playbook_runs r
  WHERE r.workspace_id = $1 AND r.started_at >= $2 AND r.started_at < $3
)
SELECT playbook_id, max(playbook_name) AS playbook_name, coalesce(holdout, false) AS holdout,
       count(*)::int AS runs, count(*) FILTER (WHERE status = 'completed')::int AS completed,
       count(*) FILTER (WHERE matured AND mrr_start > 0)::int AS judged,
       count(*) FILTER (WHERE matured AND mrr_start > 0 AND coalesce(mrr_later, 0) = 0)::int AS churned,
       coalesce(sum(mrr_start) FILTER (WHERE matured AND mrr_start > 0), 0)::text AS start_mrr,
       coalesce(sum(coalesce(mrr_later, 0)) FILTER (WHERE matured AND mrr_start > 0), 0)::text AS later_mrr
FROM runs GROUP BY playbook_id, coalesce(holdout, false) ORDER BY playbook_id;

-- reporting.playbook-runs.started
INSERT INTO reporting.playbook_runs (workspace_id, run_id, playbook_id, playbook_name, account_id, started_at, holdout)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (workspace_id, run_id) DO UPDATE SET playbook_id = EXCLUDED.playbook_id,
  playbook_name = EXCLUDED.playbook_name, account_id = EXCLUDED.account_id,
  started_at = EXCLUDED.started_at, holdout = EXCLUDED.holdout;
