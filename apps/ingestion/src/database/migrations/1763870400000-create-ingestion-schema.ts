import { createTable, sqlMigration } from '@tsuzuku/platform-database';

export const CreateIngestionSchema1763870400000 = sqlMigration('CreateIngestionSchema1763870400000', [
  createTable(`CREATE TABLE ingestion.workspaces (
      id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`),
]);
