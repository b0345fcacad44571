import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * An account row keeps its measure results short (StoredMeasure: id, metric, category, value,
 * points, weight): the label is read from the scorecard, share and contribution are worked out
 * again from the weights and points. The row is rewritten at every rescoring, and the full results
 * were two thirds of its bytes. Rows written before are shortened here; down writes the full form
 * back, with the labels of the scorecard the account was scored with (its id where that scorecard
 * no longer has the measure).
 */
export const CompactAccountMeasures1767740000000 = sqlMigration('CompactAccountMeasures1767740000000', [
  {
    up: `UPDATE health_scoring.accounts a SET measures = coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', x->'measureId', 'metric', x->'metric', 'category', x->'category',
          'value', x->'value', 'points', x->'points', 'weight', x->'weight') ORDER BY n)
        FROM jsonb_array_elements(a.measures) WITH ORDINALITY AS e(x, n)), '[]'::jsonb)
      WHERE jsonb_array_length(a.measures) > 0 AND a.measures->0 ? 'measureId'`,
    down: `UPDATE health_scoring.accounts a SET measures = coalesce((
        SELECT jsonb_agg(jsonb_build_object('measureId', x->'id', 'label', coalesce(l.label, x->'id'),
          'category', x->'category', 'metric', x->'metric', 'value', x->'value', 'points', x->'points',
          'weight', x->'weight',
          'share', CASE WHEN x->'points' = 'null'::jsonb OR t.w = 0 THEN 0 ELSE (x->>'weight')::float8 / t.w END,
          'contribution', CASE WHEN x->'points' = 'null'::jsonb OR t.w = 0 THEN 0
            ELSE (x->>'points')::float8 * ((x->>'weight')::float8 / t.w) END) ORDER BY n)
        FROM jsonb_array_elements(a.measures) WITH ORDINALITY AS e(x, n)
        CROSS JOIN (SELECT coalesce(sum((y->>'weight')::float8) FILTER (WHERE y->'points' <> 'null'::jsonb), 0) AS w
          FROM jsonb_array_elements(a.measures) y) t
        LEFT JOIN LATERAL (SELECT c->'label' AS label FROM health_scoring.scorecards s, jsonb_array_elements(s.measures) c
          WHERE s.id = a.scorecard_id AND c->>'id' = x->>'id') l ON true), '[]'::jsonb)
      WHERE jsonb_array_length(a.measures) > 0 AND a.measures->0 ? 'id'`,
  },
]);
