-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.attributes.deleteVersions
DELETE FROM reporting.account_attributes WHERE workspace_id = $1 AND account_id = ANY($2);

-- reporting.attributes.facts
SELECT account_id, (extract(epoch FROM effective_at) * 1000)::bigint::text AS at_ms, event_id, source,
       segment, touch_model, phase, owner, plan
FROM reporting.attribute_changes WHERE workspace_id = $1 AND account_id = ANY($2);

-- reporting.attributes.insertFacts
INSERT INTO reporting.attribute_changes
  (workspace_id, account_id, effective_at, event_id, source, segment, touch_model, phase, owner, plan)
SELECT $1, "accountId", at, "eventId", source, segment, "touchModel", phase, owner, plan
FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, at timestamptz, "eventId" text, source text, segment text, "touchModel" text, phase text, owner text, plan text)
ON CONFLICT DO NOTHING;

-- reporting.attributes.insertVersions
INSERT INTO reporting.account_attributes
  (workspace_id, account_id, valid_from, valid_to, segment, touch_model, phase, owner, plan)
SELECT $1, "accountId", "from", "to", segment, "touchModel", phase, owner, plan
FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, "from" timestamptz, "to" timestamptz, segment text, "touchModel" text, phase text, owner text, plan text);
