import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messageId ledger records only what Kafka acknowledged; attempts in flight are tracked in
 * the process that holds them. A 'pending' row left by the old scheme is an attempt that never
 * got its answer: it is dropped, so the client's retry publishes (consumers drop a repeat by
 * event id).
 */
export class DedupeLedger1763960400000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM ingestion.dedupe WHERE state = 'pending'`);
    await queryRunner.query('ALTER TABLE ingestion.dedupe DROP COLUMN state');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ingestion.dedupe ADD COLUMN state text NOT NULL DEFAULT 'published'
         CHECK (state IN ('pending', 'published'))`,
    );
  }
}
