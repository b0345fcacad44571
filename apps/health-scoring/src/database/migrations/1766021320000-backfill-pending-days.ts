import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The days of history each pending account received since its last settle: its past is rebuilt
 * for them when its backfill settles, once for a whole import instead of once per run. Accounts
 * pending before this migration had their past rebuilt already (an empty list).
 */
export const BackfillPendingDays1766021320000 = sqlMigration('BackfillPendingDays1766021320000', [
  {
    up: `ALTER TABLE health_scoring.backfill_pending ADD COLUMN days date[] NOT NULL DEFAULT '{}'`,
    down: 'ALTER TABLE health_scoring.backfill_pending DROP COLUMN days',
  },
]);
