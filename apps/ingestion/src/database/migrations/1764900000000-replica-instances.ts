import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/** The live ingestion replicas, each refreshing its row: the rate limits are shared among them. */
export const ReplicaInstances1764900000000 = sqlMigration('ReplicaInstances1764900000000', [
  createTable(`CREATE TABLE ingestion.instances (
      id uuid PRIMARY KEY,
      seen_at timestamptz NOT NULL DEFAULT now()
    )`),
]);
