import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether each account has a subscription in force, as account.updated says it (active, ended,
 * none): a churned account is one whose subscriptions all ended, not one at MRR 0 (a free trial).
 * Null for snapshots stored before, until the account's next account.updated.
 */
export class AccountSubscriptionStatus1766021310000 implements MigrationInterface {
  name = 'AccountSubscriptionStatus1766021310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE playbooks.accounts ADD COLUMN subscription_status text
         CHECK (subscription_status IN ('active', 'ended', 'none'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE playbooks.accounts DROP COLUMN subscription_status');
  }
}
