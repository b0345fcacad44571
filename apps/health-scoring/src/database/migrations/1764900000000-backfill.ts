import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * Backfill: history points rebuilt from past events are marked (a later run of the same day
 * replaces them), and accounts whose past was just rebuilt wait in backfill_pending until their
 * history has been quiet for a while; then their present state is published once.
 */
export const Backfill1764900000000 = sqlMigration('Backfill1764900000000', [
  {
    up: 'ALTER TABLE health_scoring.score_history ADD COLUMN backfill boolean NOT NULL DEFAULT false',
    down: 'ALTER TABLE health_scoring.score_history DROP COLUMN backfill',
  },
  createTable(
    `CREATE TABLE health_scoring.backfill_pending (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      last_at timestamptz NOT NULL,
      previous jsonb,
      PRIMARY KEY (workspace_id, account_id)
    )`,
    'CREATE INDEX backfill_pending_by_time ON health_scoring.backfill_pending (last_at)',
  ),
]);
