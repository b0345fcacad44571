import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Each account's subscriptions and whether each is in force (after its latest event by event
 * time), so that account.updated can say whether the account has an active subscription: a free
 * trial at MRR 0 has one, a cancelled customer has none. An existing account whose MRR is 0 is
 * taken as having ended its subscriptions (what churn meant before), one with an MRR above 0 as
 * having one in force, as of 1970 so that every subscription event (by event time) replaces it.
 */
export const AccountSubscriptions1766021310000 = sqlMigration('AccountSubscriptions1766021310000', [
  {
    up: [
      `ALTER TABLE health_scoring.accounts ADD COLUMN subscriptions jsonb NOT NULL DEFAULT '{}'::jsonb`,
      `
      UPDATE health_scoring.accounts
      SET subscriptions = jsonb_build_object('', jsonb_build_object('active', mrr > 0, 'at', '1970-01-01T00:00:00.000Z'))
      WHERE mrr IS NOT NULL`,
    ],
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN subscriptions',
  },
]);
