-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.tracking-plan.countUnmatched
INSERT INTO ingestion.unmatched_events AS u (workspace_id, name, count, first_seen_at, last_seen_at, sample)
SELECT r."workspaceId", r.name, r.count, r."lastSeenAt", r."lastSeenAt", r.sample
  FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, name text, count int8, "lastSeenAt" timestamptz, sample jsonb)
ON CONFLICT (workspace_id, name) DO UPDATE SET
  count = u.count + excluded.count,
  last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at),
  sample = CASE WHEN excluded.last_seen_at >= u.last_seen_at THEN excluded.sample ELSE u.sample END;

-- ingestion.tracking-plan.planOf
SELECT plan, updated_at AS "updatedAt"
  FROM ingestion.tracking_plans
 WHERE workspace_id = $1;

-- ingestion.tracking-plan.replace
INSERT INTO ingestion.tracking_plans (workspace_id, plan, updated_at)
VALUES ($1, $2::jsonb, now())
ON CONFLICT (workspace_id) DO UPDATE SET plan = excluded.plan, updated_at = excluded.updated_at
RETURNING updated_at AS "updatedAt";

-- ingestion.tracking-plan.unmatchedAfter
SELECT name, count::text AS count, first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", sample
  FROM ingestion.unmatched_events
 WHERE workspace_id = $1
   AND (count < $3::int8 OR (count = $3::int8 AND name > $4))
 ORDER BY count DESC, name
 LIMIT $2;

-- ingestion.tracking-plan.unmatchedFirstPage
SELECT name, count::text AS count, first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", sample
  FROM ingestion.unmatched_events
 WHERE workspace_id = $1
 ORDER BY count DESC, name
 LIMIT $2;
