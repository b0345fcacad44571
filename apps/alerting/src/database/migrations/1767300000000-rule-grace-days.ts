import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each rule leaves accounts younger than its grace period alone. Existing rules get the
 * documented default (14 days), as new ones do.
 */
export class RuleGraceDays1767300000000 implements MigrationInterface {
  name = 'RuleGraceDays1767300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE alerting.rules ADD COLUMN grace_days integer NOT NULL DEFAULT 14 CHECK (grace_days BETWEEN 0 AND 365)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerting.rules DROP COLUMN grace_days`);
  }
}
