import { createTable, outboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

export const CollectAndCredentials1763874000000 = sqlMigration('CollectAndCredentials1763874000000', [
  createTable(
    `CREATE TABLE ingestion.credentials (
      id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('write_key', 'api_token')),
      workspace_id text NOT NULL REFERENCES ingestion.workspaces (id),
      label text NOT NULL,
      scopes text[] NOT NULL DEFAULT '{}',
      secret_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`,
    'CREATE INDEX credentials_workspace ON ingestion.credentials (workspace_id, kind)',
  ),
  // messageIds seen per workspace, for the deduplication window: 'pending' while Kafka has
  // not answered the attempt that claimed it, 'published' once it acknowledged.
  createTable(
    `CREATE TABLE ingestion.dedupe (
      workspace_id text NOT NULL,
      message_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'published')),
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, message_id)
    )`,
    'CREATE INDEX dedupe_received_at ON ingestion.dedupe (received_at)',
  ),
  // Each user's (or anonymous visitor's) latest group, by event time.
  createTable(`CREATE TABLE ingestion.memberships (
      workspace_id text NOT NULL,
      actor text NOT NULL,
      account_id text NOT NULL,
      joined_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, actor)
    )`),
  outboxTableSql('ingestion'),
]);
