import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Each score history point keeps the metric values the account had at that moment (metric name →
 * value, null where the account had no data), so a past day can be answered as it stood and a
 * scorecard can be replayed on the values of a past day (backtests, suggested weights, the churn
 * model). Points written before this have none (null). An index by workspace and time serves the
 * reads of a whole workspace's history over a period.
 */
export const ScoreHistoryMeasures1767700000000 = sqlMigration('ScoreHistoryMeasures1767700000000', [
  {
    up: 'ALTER TABLE health_scoring.score_history ADD COLUMN measures jsonb',
    down: 'ALTER TABLE health_scoring.score_history DROP COLUMN measures',
  },
  {
    up: 'CREATE INDEX score_history_by_workspace_time ON health_scoring.score_history (workspace_id, at)',
    down: 'DROP INDEX health_scoring.score_history_by_workspace_time',
  },
]);
