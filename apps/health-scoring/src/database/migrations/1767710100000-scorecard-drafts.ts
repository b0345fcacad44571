import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Draft scorecards: kept, listed and backtested, but scoring no account until published. A draft
 * may have the audience of a live scorecard (the one it would replace), so the one-per-audience
 * index counts live scorecards only.
 */
export const ScorecardDrafts1767710100000 = sqlMigration('ScorecardDrafts1767710100000', [
  {
    up: 'ALTER TABLE health_scoring.scorecards ADD COLUMN draft boolean NOT NULL DEFAULT false',
    down: 'ALTER TABLE health_scoring.scorecards DROP COLUMN draft',
  },
  {
    up: 'DROP INDEX health_scoring.scorecards_one_per_audience',
    down: `CREATE UNIQUE INDEX scorecards_one_per_audience ON health_scoring.scorecards
      (workspace_id, coalesce(segment, ''), coalesce(touch_model, '')) WHERE NOT is_default`,
  },
  {
    up: `CREATE UNIQUE INDEX scorecards_one_per_audience ON health_scoring.scorecards
      (workspace_id, coalesce(segment, ''), coalesce(touch_model, '')) WHERE NOT is_default AND NOT draft`,
    down: 'DROP INDEX health_scoring.scorecards_one_per_audience',
  },
]);
