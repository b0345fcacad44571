import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks name their `owner` (was `assignee`) and say whether a person chose it
 * (owner_set_by_hand: such a task keeps its owner when the account's owner changes); the
 * workspace's fallback owner is applied from cs.workspaces.v1 (settings_version: the last one).
 */
export class TaskOwnerAndFallback1767200000200 implements MigrationInterface {
  name = 'TaskOwnerAndFallback1767200000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE playbooks.tasks RENAME COLUMN assignee TO owner');
    await q.query(`ALTER TABLE playbooks.tasks
      ADD COLUMN owner_set_by_hand boolean NOT NULL DEFAULT false,
      ADD COLUMN updated_at timestamptz`);
    // Lists of unassigned work, and of one owner's open work, stay cheap.
    await q.query(
      `CREATE INDEX tasks_unassigned_idx ON playbooks.tasks (workspace_id, seq) WHERE owner IS NULL`,
    );
    await q.query(`ALTER TABLE playbooks.workspaces
      ADD COLUMN fallback_owner text,
      ADD COLUMN settings_version integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE playbooks.workspaces DROP COLUMN fallback_owner, DROP COLUMN settings_version',
    );
    await q.query('DROP INDEX playbooks.tasks_unassigned_idx');
    await q.query('ALTER TABLE playbooks.tasks DROP COLUMN owner_set_by_hand, DROP COLUMN updated_at');
    await q.query('ALTER TABLE playbooks.tasks RENAME COLUMN owner TO assignee');
  }
}
