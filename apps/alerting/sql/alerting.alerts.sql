-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- alerting.alerts.accountsWithOpenHeldBy
SELECT DISTINCT a.workspace_id AS "workspaceId", a.account_id AS "accountId"
FROM alerting.alerts a
JOIN unnest($1::text[], $2::text[]) AS f(w, owner) ON a.workspace_id = f.w
WHERE a.status <> 'resolved' AND lower(a.owner) IS NOT DISTINCT FROM lower(f.owner);

-- alerting.alerts.byId
SELECT a.id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.rule_id AS "ruleId",
a.rule_type AS "ruleType", a.rule_name AS "ruleName", a.severity, a.positive, a.status, a.owner, a.title,
a.evidence, a.occurrences, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt",
a.acknowledged_at AS "acknowledgedAt", a.snoozed_until AS "snoozedUntil", a.resolved_at AS "resolvedAt",
a.resolution FROM alerting.alerts a WHERE a.workspace_id = $1 AND a.id = $2;

-- alerting.alerts.byIdForUpdate
SELECT a.id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.rule_id AS "ruleId",
a.rule_type AS "ruleType", a.rule_name AS "ruleName", a.severity, a.positive, a.status, a.owner, a.title,
a.evidence, a.occurrences, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt",
a.acknowledged_at AS "acknowledgedAt", a.snoozed_until AS "snoozedUntil", a.resolved_at AS "resolvedAt",
a.resolution FROM alerting.alerts a WHERE a.workspace_id = $1 AND a.id = $2 FOR UPDATE;

-- alerting.alerts.historyOf
SELECT at, change, from_status AS "fromStatus", to_status AS "toStatus", actor, note, detail
FROM alerting.alert_history WHERE alert_id = $1 ORDER BY id;

-- alerting.alerts.insertHistory
INSERT INTO alerting.alert_history (alert_id, workspace_id, at, change, from_status, to_status, actor, note, detail)
SELECT r."alertId", r."workspaceId", r.at, r.change, r."fromStatus", r."toStatus", r.actor, r.note, r.detail
FROM jsonb_to_recordset($1::jsonb) AS r("alertId" uuid, "workspaceId" text, at timestamptz, change text, "fromStatus" text, "toStatus" text, actor text, note text, detail jsonb);

-- alerting.alerts.insertRaised
INSERT INTO alerting.alerts (id, workspace_id, account_id, rule_id, rule_type, rule_name, severity, positive,
  status, owner, title, evidence, occurrences, opened_at, last_seen_at)
SELECT r.id, r."workspaceId", r."accountId", r."ruleId", r."ruleType", r."ruleName", r.severity, r.positive,
  r.status, r.owner, r.title, r.evidence, r.occurrences, r."openedAt", r."lastSeenAt"
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "accountId" text, "ruleId" uuid, "ruleType" text, "ruleName" text, severity text, positive boolean, status text, owner text, title text, evidence jsonb, occurrences int, "openedAt" timestamptz, "lastSeenAt" timestamptz)
ON CONFLICT (workspace_id, account_id, rule_id) WHERE status <> 'resolved' DO NOTHING
RETURNING id;

-- alerting.alerts.lastResolutions
SELECT DISTINCT ON (a.workspace_id, a.account_id, a.rule_id) a.workspace_id AS "workspaceId",
  a.account_id AS "accountId", a.rule_id AS "ruleId", a.resolved_at AS "resolvedAt"
FROM alerting.alerts a
JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON a.workspace_id = k.w AND a.account_id = k.acc
WHERE a.status = 'resolved' AND a.resolution->>'reason' IS DISTINCT FROM $3
ORDER BY a.workspace_id, a.account_id, a.rule_id, a.resolved_at DESC;

-- alerting.alerts.openOfAccountsForUpdate
  SELECT a.id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.rule_id AS "ruleId",
a.rule_type AS "ruleType", a.rule_name AS "ruleName", a.severity, a.positive, a.status, a.owner, a.title,
a.evidence, a.occurrences, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt",
a.acknowledged_at AS "acknowledgedAt", a.snoozed_until AS "snoozedUntil", a.resolved_at AS "resolvedAt",
a.resolution FROM alerting.alerts a
  JOIN unnest($1::text[], $2::text[]) AS k(w, acc) ON a.workspace_id = k.w AND a.account_id = k.acc
  WHERE a.status <> 'resolved' FOR UPDATE OF a;

-- alerting.alerts.page
  SELECT a.id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.rule_id AS "ruleId",
a.rule_type AS "ruleType", a.rule_name AS "ruleName", a.severity, a.positive, a.status, a.owner, a.title,
a.evidence, a.occurrences, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt",
a.acknowledged_at AS "acknowledgedAt", a.snoozed_until AS "snoozedUntil", a.resolved_at AS "resolvedAt",
a.resolution FROM alerting.alerts a
  WHERE a.workspace_id = $1
    AND ($2::text[] IS NULL OR a.status = ANY($2))
    AND ($3::text IS NULL OR a.account_id = $3)
    AND ($4::uuid IS NULL OR a.rule_id = $4)
    AND ($5::text[] IS NULL OR a.rule_type = ANY($5))
    AND ($6::text IS NULL OR lower(a.owner) = lower($6))
    AND ($7::text[] IS NULL OR a.severity = ANY($7))
    AND ($8::timestamptz IS NULL OR (a.opened_at, a.id) < ($8::timestamptz, $9::uuid))
  ORDER BY a.opened_at DESC, a.id DESC LIMIT $10;

-- alerting.alerts.updateMany
UPDATE alerting.alerts a SET severity = r.severity, rule_name = r."ruleName", status = r.status,
  owner = r.owner, title = r.title, evidence = r.evidence, occurrences = r.occurrences,
  last_seen_at = r."lastSeenAt", acknowledged_at = r."acknowledgedAt", snoozed_until = r."snoozedUntil",
  resolved_at = r."resolvedAt", resolution = r.resolution, updated_at = now()
FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, severity text, "ruleName" text, status text, owner text, title text, evidence jsonb, occurrences int, "lastSeenAt" timestamptz, "acknowledgedAt" timestamptz, "snoozedUntil" timestamptz, "resolvedAt" timestamptz, resolution jsonb)
WHERE a.id = r.id;
