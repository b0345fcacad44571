import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The messageId ledger records only what Kafka acknowledged; attempts in flight are tracked in
 * the process that holds them. A 'pending' row left by the old scheme is an attempt that never
 * got its answer: it is dropped, so the client's retry publishes (consumers drop a repeat by
 * event id).
 */
export const DedupeLedger1763960400000 = sqlMigration('DedupeLedger1763960400000', [
  {
    up: [
      `DELETE FROM ingestion.dedupe WHERE state = 'pending'`,
      'ALTER TABLE ingestion.dedupe DROP COLUMN state',
    ],
    down: `ALTER TABLE ingestion.dedupe ADD COLUMN state text NOT NULL DEFAULT 'published'
         CHECK (state IN ('pending', 'published'))`,
  },
]);
