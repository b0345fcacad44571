import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Whether each account has a subscription in force, as account.updated says it (active, ended,
 * none): a churned account is one whose subscriptions all ended, not one at MRR 0 (a free trial).
 * Null for snapshots stored before, until the account's next account.updated.
 */
export const AccountSubscriptionStatus1766021310000 = sqlMigration('AccountSubscriptionStatus1766021310000', [
  {
    up: `ALTER TABLE playbooks.accounts ADD COLUMN subscription_status text
         CHECK (subscription_status IN ('active', 'ended', 'none'))`,
    down: 'ALTER TABLE playbooks.accounts DROP COLUMN subscription_status',
  },
]);
