import { sqlMigration } from '@tsuzuku/platform-database';

/** The event time of each trait value an account holds, so a late older event does not undo a newer one. */
export const AccountTraitsAt1767500000000 = sqlMigration('AccountTraitsAt1767500000000', [
  {
    up: `ALTER TABLE health_scoring.accounts ADD COLUMN traits_at jsonb NOT NULL DEFAULT '{}'::jsonb`,
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN traits_at',
  },
]);
