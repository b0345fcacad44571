-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.workspace-settings.find
SELECT onboarding_milestones, key_features, renewal_window_days, touch_high_mrr, touch_low_mrr, updated_at FROM health_scoring.workspace_settings WHERE workspace_id = $1;

-- health-scoring.workspace-settings.save
INSERT INTO health_scoring.workspace_settings
  (workspace_id, onboarding_milestones, key_features, renewal_window_days, touch_high_mrr, touch_low_mrr)
VALUES ($1, $2::text[], $3::text[], $4, $5, $6)
ON CONFLICT (workspace_id) DO UPDATE SET
  onboarding_milestones = EXCLUDED.onboarding_milestones,
  key_features = EXCLUDED.key_features,
  renewal_window_days = EXCLUDED.renewal_window_days,
  touch_high_mrr = EXCLUDED.touch_high_mrr,
  touch_low_mrr = EXCLUDED.touch_low_mrr,
  updated_at = now()
RETURNING onboarding_milestones, key_features, renewal_window_days, touch_high_mrr, touch_low_mrr, updated_at;
