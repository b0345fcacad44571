import { createTable, reverseStep, sqlMigration } from '@tsuzuku/platform-database';

/**
 * The deduplication ledger keyed by event id (a UUID derived from workspace and messageId)
 * instead of two text columns: one 16-byte key compares as bytes, where the text pair compared
 * by collation and cost Postgres several times more per event. Rows are appended in time order,
 * so a BRIN index is enough for pruning by age. The rows of the old ledger are carried over
 * with their ids computed as `eventId` does (SHA-256 of workspace NUL messageId, formatted as a
 * version-5 UUID), so the window holds across the upgrade.
 */
export const PublishedEventsLedger1764200000000 = sqlMigration('PublishedEventsLedger1764200000000', [
  createTable(
    `CREATE TABLE ingestion.published_events (
      event_id uuid PRIMARY KEY,
      received_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX published_events_received_at ON ingestion.published_events USING brin (received_at)',
  ),
  {
    up: `INSERT INTO ingestion.published_events (event_id, received_at)
      SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-5' || substr(h, 14, 3) || '-'
              || to_hex((('x' || substr(h, 17, 1))::bit(4)::int & 3) | 8) || substr(h, 18, 3) || '-'
              || substr(h, 21, 12))::uuid,
             received_at
      FROM (SELECT encode(sha256(convert_to(workspace_id, 'UTF8') || '\\x00'::bytea
                                 || convert_to(message_id, 'UTF8')), 'hex') AS h,
                   received_at
            FROM ingestion.dedupe) AS old
      ORDER BY received_at
      ON CONFLICT (event_id) DO NOTHING`,
    down: [],
  },
  // Event ids cannot be turned back into messageIds: the old ledger comes back empty.
  reverseStep(
    createTable(
      `CREATE TABLE ingestion.dedupe (
      workspace_id text NOT NULL,
      message_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, message_id)
    )`,
      'CREATE INDEX dedupe_received_at ON ingestion.dedupe (received_at)',
    ),
  ),
]);
