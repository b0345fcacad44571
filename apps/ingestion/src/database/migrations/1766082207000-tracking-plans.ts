import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * A workspace's tracking plan (its own event names and property values mapped onto the CS spec),
 * and the track event names it sent that are no CS event after mapping, counted by name.
 */
export const TrackingPlans1766082207000 = sqlMigration('TrackingPlans1766082207000', [
  createTable(`
      CREATE TABLE ingestion.tracking_plans (
        workspace_id text PRIMARY KEY,
        plan jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`),
  createTable(
    `
      CREATE TABLE ingestion.unmatched_events (
        workspace_id text NOT NULL,
        name text NOT NULL,
        count bigint NOT NULL,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        sample jsonb NOT NULL,
        PRIMARY KEY (workspace_id, name)
      )`,
    'CREATE INDEX unmatched_events_by_count ON ingestion.unmatched_events (workspace_id, count DESC, name)',
  ),
]);
