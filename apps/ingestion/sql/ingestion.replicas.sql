-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.replicas.heartbeat
WITH seen AS (
  INSERT INTO ingestion.instances (id, seen_at) VALUES ($1, now())
  ON CONFLICT (id) DO UPDATE SET seen_at = now()
), forgotten AS (
  DELETE FROM ingestion.instances WHERE seen_at < now() - make_interval(secs => $2::float8 * 10 / 1000)
)
SELECT 1 + count(*)::int AS live FROM ingestion.instances
WHERE id <> $1 AND seen_at >= now() - make_interval(secs => $2::float8 / 1000);

-- ingestion.replicas.remove
DELETE FROM ingestion.instances WHERE id = $1;
