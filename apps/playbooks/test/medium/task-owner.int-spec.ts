import { randomUUID } from 'node:crypto';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { playbooksDatabase } from '../../src/database/playbooks.database';
import { TaskRepository } from '../../src/tasks/task.repository';

/**
 * The tasks that follow an account to its new owner (TaskRepository.reassignOpenOfAccount, what
 * the signals consumer runs on account.updated with another owner), on a migrated database.
 */
describe('open tasks follow their account to its new owner (medium)', () => {
  let database: MigratedDatabase;
  let tasks: TaskRepository;

  beforeAll(async () => {
    database = await createMigratedDatabase('playbooks_task_owner', playbooksDatabase);
    tasks = new TaskRepository(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  it("moves the former owner's, nobody's and the fallback's open tasks, and keeps the rest", async () => {
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    const task = (accountId: string, title: string, owner: string | null) => ({
      id: randomUUID(),
      workspaceId,
      accountId,
      runId: null as unknown as string,
      playbookId: null as unknown as string,
      stepId: null as unknown as string,
      title,
      description: null,
      owner,
      priority: 'normal',
      dueAt: null,
    });
    const rows = [
      task('acc_1', 'former', 'Former@Example.com'),
      task('acc_1', 'nobody', null),
      task('acc_1', 'fallback', 'lead@example.com'),
      task('acc_1', 'by hand', 'someone.else@example.com'),
      task('acc_1', 'former, set by hand', 'former@example.com'),
      task('acc_1', 'closed', 'former@example.com'),
      task('acc_2', 'other account', 'former@example.com'),
    ];
    await database.dataSource.transaction((m) => tasks.insertMany(m, rows, new Date()));
    await database.db.query(`UPDATE playbooks.tasks SET owner_set_by_hand = true WHERE id = $1`, [
      rows[4]!.id,
    ]);
    await database.db.query(`UPDATE playbooks.tasks SET status = 'done' WHERE id = $1`, [rows[5]!.id]);

    const moved = await database.dataSource.transaction((m) =>
      tasks.reassignOpenOfAccount(
        m,
        { workspaceId, accountId: 'acc_1' },
        ['former@example.com', 'lead@example.com'],
        'new@example.com',
      ),
    );

    const after = await database.db.query<{ title: string; owner: string | null }>(
      `SELECT title, owner FROM playbooks.tasks WHERE workspace_id = $1 ORDER BY seq`,
      [workspaceId],
    );
    expect(after).toEqual([
      { title: 'former', owner: 'new@example.com' },
      { title: 'nobody', owner: 'new@example.com' },
      { title: 'fallback', owner: 'new@example.com' },
      { title: 'by hand', owner: 'someone.else@example.com' },
      { title: 'former, set by hand', owner: 'former@example.com' },
      { title: 'closed', owner: 'former@example.com' },
      { title: 'other account', owner: 'former@example.com' },
    ]);
    expect(moved.map((t) => [t.title, t.owner]).sort()).toEqual([
      ['fallback', 'new@example.com'],
      ['former', 'new@example.com'],
      ['nobody', 'new@example.com'],
    ]);
  });
});
