-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.daily-totals.addActiveUsers
INSERT INTO health_scoring.account_user_days (workspace_id, account_id, day, user_id)
SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[]) ON CONFLICT DO NOTHING;

-- health-scoring.daily-totals.addDays
INSERT INTO health_scoring.account_days AS d (workspace_id, account_id, day, events, sign_ins, key_feature_uses,
  onboarding_steps, tickets_opened, p1_opened, tickets_resolved, p1_resolved, survey_responses, csat_sum,
  csat_count, engagement_events, outcomes)
SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, day date, events int, "signIns" int, "keyFeatureUses" int, "onboardingSteps" int, "ticketsOpened" int, "p1Opened" int, "ticketsResolved" int, "p1Resolved" int, "surveyResponses" int, "csatSum" int, "csatCount" int, "engagementEvents" int, outcomes int)
ON CONFLICT (workspace_id, account_id, day) DO UPDATE SET
  events = d.events + EXCLUDED.events, sign_ins = d.sign_ins + EXCLUDED.sign_ins,
  key_feature_uses = d.key_feature_uses + EXCLUDED.key_feature_uses,
  onboarding_steps = d.onboarding_steps + EXCLUDED.onboarding_steps,
  tickets_opened = d.tickets_opened + EXCLUDED.tickets_opened, p1_opened = d.p1_opened + EXCLUDED.p1_opened,
  tickets_resolved = d.tickets_resolved + EXCLUDED.tickets_resolved,
  p1_resolved = d.p1_resolved + EXCLUDED.p1_resolved,
  survey_responses = d.survey_responses + EXCLUDED.survey_responses, csat_sum = d.csat_sum + EXCLUDED.csat_sum,
  csat_count = d.csat_count + EXCLUDED.csat_count,
  engagement_events = d.engagement_events + EXCLUDED.engagement_events, outcomes = d.outcomes + EXCLUDED.outcomes;
