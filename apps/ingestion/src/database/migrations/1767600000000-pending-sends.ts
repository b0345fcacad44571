import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * The event ids a claim is sending, committed before the send and deleted by the claim's own
 * commit. A row left behind means its claim ended without committing (the process died, or its
 * connection was cut) after the send began: Kafka may hold the event though the ledger does not,
 * and the next claim of the id looks on the topic from `sent_after` before it sends again.
 */
export const PendingSends1767600000000 = sqlMigration('PendingSends1767600000000', [
  createTable(
    `CREATE TABLE ingestion.pending_sends (
      event_id uuid PRIMARY KEY,
      sent_after timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX pending_sends_sent_after ON ingestion.pending_sends USING brin (sent_after)',
  ),
]);
