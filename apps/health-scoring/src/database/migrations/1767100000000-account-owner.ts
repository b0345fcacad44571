import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The account's CSM is its `owner` (one name across the services), and `owner_at` is the time
 * of what set it last: a group call's event time or the moment of an assignment through the
 * API. A change older than that does not undo it. Owners set before this migration have no time
 * (null): the next change of any time replaces them.
 */
export const AccountOwner1767100000000 = sqlMigration('AccountOwner1767100000000', [
  {
    up: 'ALTER TABLE health_scoring.accounts RENAME COLUMN csm_email TO owner',
    down: 'ALTER TABLE health_scoring.accounts RENAME COLUMN owner TO csm_email',
  },
  {
    up: 'ALTER TABLE health_scoring.accounts ADD COLUMN owner_at timestamptz',
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN owner_at',
  },
  {
    up: 'CREATE INDEX accounts_owner_idx ON health_scoring.accounts (workspace_id, lower(owner))',
    down: 'DROP INDEX health_scoring.accounts_owner_idx',
  },
]);
