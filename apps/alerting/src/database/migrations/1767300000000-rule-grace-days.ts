import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Each rule leaves accounts younger than its grace period alone. Existing rules get the
 * documented default (14 days), as new ones do.
 */
export const RuleGraceDays1767300000000 = sqlMigration('RuleGraceDays1767300000000', [
  {
    up: `ALTER TABLE alerting.rules ADD COLUMN grace_days integer NOT NULL DEFAULT 14 CHECK (grace_days BETWEEN 0 AND 365)`,
    down: `ALTER TABLE alerting.rules DROP COLUMN grace_days`,
  },
]);
