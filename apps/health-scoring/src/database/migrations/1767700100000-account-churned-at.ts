import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * When an account churned (its last subscription in force ended): from then on it keeps the score
 * it had at that moment and is not rescored, until a subscription is in force again (then null).
 */
export const AccountChurnedAt1767700100000 = sqlMigration('AccountChurnedAt1767700100000', [
  {
    up: 'ALTER TABLE health_scoring.accounts ADD COLUMN churned_at timestamptz',
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN churned_at',
  },
]);
