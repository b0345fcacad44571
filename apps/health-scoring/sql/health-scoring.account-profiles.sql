-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.account-profiles.countOfSegment
SELECT count(*)::int AS n FROM health_scoring.accounts WHERE workspace_id = $1 AND lower(segment) = lower($2);

-- health-scoring.account-profiles.keysOfOwner
SELECT account_id FROM health_scoring.accounts
WHERE workspace_id = $1 AND lower(owner) = lower($2) AND ($3::text[] IS NULL OR account_id = ANY($3::text[]))
ORDER BY account_id LIMIT $4;

-- health-scoring.account-profiles.lockKeys
SELECT pg_advisory_xact_lock(hashtextextended(k.workspace_id || E'\n' || k.account_id, 0))
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(workspace_id, account_id, n) ORDER BY k.n;

-- health-scoring.account-profiles.lockMany
  SELECT workspace_id, account_id, name, plan, mrr, seats, renewal_date::text AS renewal_date, owner, owner_at,
segment, industry, traits, traits_at, touch_trait, phase_trait, expansion, onboarding_done, onboarding_steps_at, subscriptions,
features_used, first_seen_at, last_seen_at, last_sign_in_at, latest_nps, latest_nps_at, phase, touch_model, computed_score, score, band,
coverage, scorecard_id, measures, scored_at, published_fingerprint, churned_at, churn_risk FROM health_scoring.accounts a
  JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(workspace_id, account_id, n) USING (workspace_id, account_id)
  ORDER BY k.n FOR UPDATE OF a;

-- health-scoring.account-profiles.peerValues
SELECT a.account_id, (x->>'value') AS value FROM health_scoring.accounts a, jsonb_array_elements(a.measures) x
WHERE a.workspace_id = $1 AND lower(a.segment) IS NOT DISTINCT FROM lower($2) AND x->>'metric' = $3;

-- health-scoring.account-profiles.saveMany
INSERT INTO health_scoring.accounts AS a (workspace_id, account_id, name, plan, mrr, seats, renewal_date, owner, owner_at,
  segment, industry, traits, traits_at, touch_trait, phase_trait, expansion, onboarding_done, onboarding_steps_at,
  subscriptions, features_used, first_seen_at, last_seen_at, last_sign_in_at, latest_nps, latest_nps_at, phase, touch_model,
  computed_score, score, band, coverage, scorecard_id, measures, scored_at, published_fingerprint, churned_at, updated_at)
SELECT r.workspace_id, r.account_id, r.name, r.plan, r.mrr, r.seats, r.renewal_date, r.owner, r.owner_at, r.segment,
  r.industry, r.traits, r.traits_at, r.touch_trait, r.phase_trait, r.expansion,
  r.onboarding_done, r.onboarding_steps_at, r.subscriptions, r.features_used,
  r.first_seen_at, r.last_seen_at, r.last_sign_in_at, r.latest_nps, r.latest_nps_at, r.phase, r.touch_model,
  r.computed_score, r.score, r.band, r.coverage, r.scorecard_id, r.measures, r.scored_at, r.published_fingerprint, r.churned_at,
  now()
FROM jsonb_to_recordset($1::jsonb) AS r(workspace_id text, account_id text, name text, plan text, mrr numeric, seats integer, renewal_date date, owner text, owner_at timestamptz, segment text, industry text, traits jsonb, traits_at jsonb, touch_trait text, phase_trait text, expansion boolean, onboarding_done text[], onboarding_steps_at jsonb, subscriptions jsonb, features_used text[], first_seen_at timestamptz, last_seen_at timestamptz, last_sign_in_at timestamptz, latest_nps integer, latest_nps_at timestamptz, phase text, touch_model text, computed_score numeric, score numeric, band text, coverage numeric, scorecard_id uuid, measures jsonb, scored_at timestamptz, published_fingerprint text, churned_at timestamptz)
ON CONFLICT (workspace_id, account_id) DO UPDATE SET
  name = EXCLUDED.name, plan = EXCLUDED.plan, mrr = EXCLUDED.mrr, seats = EXCLUDED.seats,
  renewal_date = EXCLUDED.renewal_date, owner = EXCLUDED.owner, owner_at = EXCLUDED.owner_at, segment = EXCLUDED.segment,
  industry = EXCLUDED.industry, traits = EXCLUDED.traits, traits_at = EXCLUDED.traits_at, touch_trait = EXCLUDED.touch_trait,
  phase_trait = EXCLUDED.phase_trait, expansion = EXCLUDED.expansion, onboarding_done = EXCLUDED.onboarding_done,
  onboarding_steps_at = EXCLUDED.onboarding_steps_at, subscriptions = EXCLUDED.subscriptions,
  features_used = EXCLUDED.features_used, first_seen_at = EXCLUDED.first_seen_at,
  last_seen_at = EXCLUDED.last_seen_at, last_sign_in_at = EXCLUDED.last_sign_in_at,
  latest_nps = EXCLUDED.latest_nps, latest_nps_at = EXCLUDED.latest_nps_at, phase = EXCLUDED.phase,
  touch_model = EXCLUDED.touch_model, computed_score = EXCLUDED.computed_score, score = EXCLUDED.score,
  band = EXCLUDED.band, coverage = EXCLUDED.coverage, scorecard_id = EXCLUDED.scorecard_id,
  measures = EXCLUDED.measures, scored_at = EXCLUDED.scored_at,
  published_fingerprint = EXCLUDED.published_fingerprint, churned_at = EXCLUDED.churned_at, updated_at = now();

-- health-scoring.account-profiles.settledKeysOfWorkspace
SELECT account_id FROM health_scoring.accounts a WHERE workspace_id = $1
  AND NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending p
    WHERE p.workspace_id = a.workspace_id AND p.account_id = a.account_id)
ORDER BY account_id;

-- health-scoring.account-profiles.workspaces
SELECT DISTINCT workspace_id FROM health_scoring.accounts ORDER BY workspace_id;
