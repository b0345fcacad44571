import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account's CSM is its `owner` (one name across the services), and `owner_at` is the time
 * of what set it last: a group call's event time or the moment of an assignment through the
 * API. A change older than that does not undo it. Owners set before this migration have no time
 * (null): the next change of any time replaces them.
 */
export class AccountOwner1767100000000 implements MigrationInterface {
  name = 'AccountOwner1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE health_scoring.accounts RENAME COLUMN csm_email TO owner');
    await q.query('ALTER TABLE health_scoring.accounts ADD COLUMN owner_at timestamptz');
    await q.query('CREATE INDEX accounts_owner_idx ON health_scoring.accounts (workspace_id, lower(owner))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX health_scoring.accounts_owner_idx');
    await q.query('ALTER TABLE health_scoring.accounts DROP COLUMN owner_at');
    await q.query('ALTER TABLE health_scoring.accounts RENAME COLUMN owner TO csm_email');
  }
}
