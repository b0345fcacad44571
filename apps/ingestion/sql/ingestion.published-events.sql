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
SELECT event_id, sent_after FROM ingestion.pending_sends WHERE event_id = ANY('{eventIds}'::uuid[]);

-- ingestion.published-events.markPending
INSERT INTO ingestion.pending_sends (event_id)
SELECT unnest($1::uuid[])
ON CONFLICT (event_id) DO UPDATE SET sent_after = now();

-- ingestion.published-events.prune
DELETE FROM ingestion.published_events
 WHERE received_at < now() - make_interval(hours => $1);

-- ingestion.published-events.prunePending
DELETE FROM ingestion.pending_sends
 WHERE sent_after < now() - make_interval(hours => $1);

-- ingestion.published-events.rollback
ROLLBACK;

-- ingestion.published-events.settleAndCommit
DELETE FROM ingestion.published_events WHERE event_id = ANY('{unpublished}'::uuid[]);
DELETE FROM ingestion.pending_sends WHERE event_id = ANY('{settled}'::uuid[]);
COMMIT;
