-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- health-scoring.scorecards.delete
DELETE FROM health_scoring.scorecards WHERE workspace_id = $1 AND id = $2;

-- health-scoring.scorecards.insert
INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, segment, touch_model, measures, bands, draft)
VALUES ($1, $2, $3, false, $4, $5, $6::jsonb, $7::jsonb, $8)
RETURNING id, workspace_id, name, is_default, draft, segment, touch_model, measures, bands, version, created_at, updated_at;

-- health-scoring.scorecards.insertDefault
INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, measures, bands)
VALUES ($1, $2, $3, true, $4::jsonb, $5::jsonb)
ON CONFLICT DO NOTHING;

-- health-scoring.scorecards.listOf
SELECT id, workspace_id, name, is_default, draft, segment, touch_model, measures, bands, version, created_at, updated_at FROM health_scoring.scorecards
WHERE workspace_id = $1
ORDER BY is_default DESC, created_at, id;

-- health-scoring.scorecards.lockOne
SELECT id, workspace_id, name, is_default, draft, segment, touch_model, measures, bands, version, created_at, updated_at FROM health_scoring.scorecards WHERE workspace_id = $1 AND id = $2 FOR UPDATE;

-- health-scoring.scorecards.update
UPDATE health_scoring.scorecards
SET name = $3, segment = $4, touch_model = $5, measures = $6::jsonb, bands = $7::jsonb, draft = $8,
    version = version + 1, updated_at = now()
WHERE workspace_id = $1 AND id = $2
RETURNING id, workspace_id, name, is_default, draft, segment, touch_model, measures, bands, version, created_at, updated_at;
