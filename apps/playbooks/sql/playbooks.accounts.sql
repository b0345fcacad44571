-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- playbooks.accounts.eventsSeen
SELECT e.workspace_id, e.account_id, e.name, e.last_at FROM playbooks.account_events e
JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id);

-- playbooks.accounts.profileStates
SELECT a.workspace_id, a.account_id, a.csm_email, a.profile_at FROM playbooks.accounts a
JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id);

-- playbooks.accounts.profiledPhases
SELECT a.workspace_id, a.account_id, a.phase FROM playbooks.accounts a
JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)
WHERE a.profile_at IS NOT NULL;

-- playbooks.accounts.profiledWithoutRun
SELECT account_id FROM playbooks.accounts a WHERE workspace_id = $1 AND profile_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM playbooks.runs r WHERE r.playbook_id = $2 AND r.account_id = a.account_id AND r.trigger_key = $3)
ORDER BY account_id;

-- playbooks.accounts.renewalDates
SELECT account_id, renewal_date FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = ANY($2);

-- playbooks.accounts.renewingBetween
SELECT account_id FROM playbooks.accounts WHERE workspace_id = $1 AND profile_at IS NOT NULL
  AND left(renewal_date, 10) BETWEEN $2 AND $3 ORDER BY account_id;

-- playbooks.accounts.snapshots
SELECT a.*, coalesce(a.group_contact_email, (
    SELECT mb.email FROM playbooks.members mb
    WHERE mb.workspace_id = a.workspace_id AND mb.account_id = a.account_id AND mb.email IS NOT NULL
    ORDER BY mb.email_at DESC LIMIT 1)) AS contact_email
FROM playbooks.accounts a JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id);

-- playbooks.accounts.upsertEventsSeen
INSERT INTO playbooks.account_events AS ae (workspace_id, account_id, name, last_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
ON CONFLICT (workspace_id, account_id, name) DO UPDATE SET last_at = greatest(ae.last_at, EXCLUDED.last_at);

-- playbooks.accounts.upsertGroupContact
INSERT INTO playbooks.accounts AS a (workspace_id, account_id, group_contact_email) VALUES ($1, $2, $3)
ON CONFLICT (workspace_id, account_id) DO UPDATE SET group_contact_email = coalesce(EXCLUDED.group_contact_email, a.group_contact_email);

-- playbooks.accounts.upsertMemberAccount
INSERT INTO playbooks.members AS mb (workspace_id, user_id, account_id) VALUES ($1, $2, $3)
ON CONFLICT (workspace_id, user_id) DO UPDATE SET account_id = EXCLUDED.account_id;

-- playbooks.accounts.upsertMemberEmail
INSERT INTO playbooks.members AS mb (workspace_id, user_id, account_id, email, email_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (workspace_id, user_id) DO UPDATE SET email = EXCLUDED.email, email_at = EXCLUDED.email_at,
  account_id = coalesce(EXCLUDED.account_id, mb.account_id)
WHERE mb.email_at IS NULL OR mb.email_at <= EXCLUDED.email_at;

-- playbooks.accounts.upsertProfiles
INSERT INTO playbooks.accounts AS a (workspace_id, account_id, name, plan, mrr, seats, renewal_date, csm_email, segment,
  touch_model, phase, band, score, onboarding_complete, profile_at, subscription_status)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, name text, plan text, mrr numeric, seats integer, "renewalDate" text, "csmEmail" text, segment text, "touchModel" text, phase text, band text, score numeric, "onboardingComplete" boolean, "profileAt" timestamptz, "subscriptionStatus" text)
ON CONFLICT (workspace_id, account_id) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan, mrr = EXCLUDED.mrr,
  subscription_status = EXCLUDED.subscription_status,
  seats = EXCLUDED.seats, renewal_date = EXCLUDED.renewal_date, csm_email = EXCLUDED.csm_email, segment = EXCLUDED.segment,
  touch_model = EXCLUDED.touch_model, phase = EXCLUDED.phase, band = EXCLUDED.band, score = EXCLUDED.score,
  onboarding_complete = EXCLUDED.onboarding_complete, profile_at = EXCLUDED.profile_at
WHERE a.profile_at IS NULL OR a.profile_at <= EXCLUDED.profile_at;
