import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Tasks name their `owner` (was `assignee`) and say whether a person chose it
 * (owner_set_by_hand: such a task keeps its owner when the account's owner changes); the
 * workspace's fallback owner is applied from cs.workspaces.v1 (settings_version: the last one).
 */
export const TaskOwnerAndFallback1767200000200 = sqlMigration('TaskOwnerAndFallback1767200000200', [
  {
    up: 'ALTER TABLE playbooks.tasks RENAME COLUMN assignee TO owner',
    down: 'ALTER TABLE playbooks.tasks RENAME COLUMN owner TO assignee',
  },
  {
    up: `ALTER TABLE playbooks.tasks
      ADD COLUMN owner_set_by_hand boolean NOT NULL DEFAULT false,
      ADD COLUMN updated_at timestamptz`,
    down: 'ALTER TABLE playbooks.tasks DROP COLUMN owner_set_by_hand, DROP COLUMN updated_at',
  },
  // Lists of unassigned work, and of one owner's open work, stay cheap.
  {
    up: `CREATE INDEX tasks_unassigned_idx ON playbooks.tasks (workspace_id, seq) WHERE owner IS NULL`,
    down: 'DROP INDEX playbooks.tasks_unassigned_idx',
  },
  {
    up: `ALTER TABLE playbooks.workspaces
      ADD COLUMN fallback_owner text,
      ADD COLUMN settings_version integer`,
    down: 'ALTER TABLE playbooks.workspaces DROP COLUMN fallback_owner, DROP COLUMN settings_version',
  },
]);
