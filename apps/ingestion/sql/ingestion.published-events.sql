-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- ingestion.published-events.claim
BEGIN;
SET LOCAL lock_timeout = '{lockTimeoutMs}ms';
INSERT INTO ingestion.published_events AS p (event_id)
SELECT unnest('{eventIds}'::uuid[])
ON CONFLICT (event_id) DO UPDATE SET received_at = now()
  WHERE p.received_at <= now() - make_interval(hours => {windowHours})
RETURNING event_id;

-- ingestion.published-events.commit
COMMIT;

-- ingestion.published-events.dropUnpublishedAndCommit
DELETE FROM ingestion.published_events WHERE event_id = ANY('{eventIds}'::uuid[]);
COMMIT;

-- ingestion.published-events.prune
DELETE FROM ingestion.published_events
 WHERE received_at < now() - make_interval(hours => $1);

-- ingestion.published-events.rollback
ROLLBACK;
