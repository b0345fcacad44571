import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The days of history each pending account received since its last settle: its past is rebuilt
 * for them when its backfill settles, once for a whole import instead of once per run. Accounts
 * pending before this migration had their past rebuilt already (an empty list).
 */
export class BackfillPendingDays1766021320000 implements MigrationInterface {
  name = 'BackfillPendingDays1766021320000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE health_scoring.backfill_pending ADD COLUMN days date[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE health_scoring.backfill_pending DROP COLUMN days');
  }
}
