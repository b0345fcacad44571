-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.deliveries.claimDue
WITH due AS (
  SELECT id FROM alerting.deliveries WHERE status = 'pending' AND next_attempt_at <= now()
  ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
)
UPDATE alerting.deliveries d SET attempts = d.attempts + 1,
  next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
FROM due, alerting.channels c
WHERE d.id = due.id AND c.id = d.channel_id
RETURNING d.id, d.attempts, d.payload, c.kind, c.url, c.recipients, c.secret, c.previous_secret,
  coalesce(c.previous_secret_expires_at > now(), false) AS previous_valid;

-- alerting.deliveries.insertPending
INSERT INTO alerting.deliveries (id, workspace_id, channel_id, alert_id, event_type, payload, status, next_attempt_at)
SELECT r.id, r."workspaceId", r."channelId", r."alertId", r."eventType", r.payload, 'pending', now()
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "channelId" uuid, "alertId" uuid, "eventType" text, payload jsonb);

-- alerting.deliveries.markDelivered
UPDATE alerting.deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL,
  last_status_code = NULL
WHERE id = $1;

-- alerting.deliveries.markFailed
UPDATE alerting.deliveries SET status = $2, last_error = $3, last_status_code = $5,
  next_attempt_at = coalesce($4, next_attempt_at)
WHERE id = $1;

-- alerting.deliveries.page
SELECT id, channel_id AS "channelId", alert_id AS "alertId", event_type AS "eventType", status, attempts,
  last_error AS "lastError", last_status_code AS "lastStatusCode", next_attempt_at AS "nextAttemptAt",
  created_at AS "createdAt", delivered_at AS "deliveredAt"
FROM alerting.deliveries
WHERE workspace_id = $1
  AND ($2::text IS NULL OR status = $2)
  AND ($3::text IS NULL OR alert_id::text = $3)
  AND ($4::text IS NULL OR channel_id::text = $4)
  AND ($5::timestamptz IS NULL OR (created_at, id) < ($5::timestamptz, $6::uuid))
ORDER BY created_at DESC, id DESC LIMIT $7;
