import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TaskEventData, TaskStatus } from '@tsuzuku/contracts';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { PlaybookException, PlaybookExceptionCode } from '../playbooks/playbook.exception';
import { SCHEMA } from '../shared/playbook-envelope';
import { SeqCursor, TASKS_CURSOR } from '../shared/seq-cursor';
import { TaskRow, taskCompletedMessage } from './task-rows';

export interface TaskView {
  readonly id: string;
  readonly accountId: string;
  readonly runId: string | null;
  readonly playbookId: string | null;
  readonly stepId: string | null;
  readonly title: string;
  readonly description: string | null;
  readonly assignee: string | null;
  readonly priority: TaskEventData['priority'];
  readonly dueAt: string | null;
  readonly status: TaskStatus;
  readonly note: string | null;
  readonly completedAt: string | null;
  readonly createdAt: string;
}

export interface TaskFilter {
  readonly assignee?: string;
  readonly status?: TaskStatus;
  readonly accountId?: string;
  readonly dueBefore?: string;
  readonly dueAfter?: string;
  readonly limit: number;
  readonly cursor?: SeqCursor;
}

const view = (r: TaskRow): TaskView => ({
  id: r.id,
  accountId: r.account_id,
  runId: r.run_id,
  playbookId: r.playbook_id,
  stepId: r.step_id,
  title: r.title,
  description: r.description,
  assignee: r.assignee,
  priority: r.priority,
  dueAt: r.due_at?.toISOString() ?? null,
  status: r.status,
  note: r.note,
  completedAt: r.completed_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

/** CSM tasks: listing, and closing one (done or skipped), which can release a run waiting on it. */
@Injectable()
export class TasksService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(
    workspaceId: string,
    filter: TaskFilter,
  ): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    const params: unknown[] = [workspaceId];
    const where = ['workspace_id = $1'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.assignee) add('lower(assignee) = lower(?)', filter.assignee);
    if (filter.status) add('status = ?', filter.status);
    if (filter.accountId) add('account_id = ?', filter.accountId);
    if (filter.dueBefore) add('due_at < ?::timestamptz', filter.dueBefore);
    if (filter.dueAfter) add('due_at >= ?::timestamptz', filter.dueAfter);
    if (filter.cursor) add('seq < ?::bigint', filter.cursor.seq);
    params.push(filter.limit + 1);
    const rows: TaskRow[] = await this.dataSource.query(
      `SELECT * FROM playbooks.tasks WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map(view),
      nextCursor:
        rows.length > filter.limit ? TASKS_CURSOR.encode({ seq: page[page.length - 1]!.seq }) : null,
    };
  }

  /** Closes an open task and announces task.completed; the run that made it looks again at once. */
  async close(
    workspaceId: string,
    id: string,
    status: 'done' | 'skipped',
    note: string | null,
  ): Promise<TaskView> {
    return this.dataSource.transaction(async (m) => {
      const now = new Date();
      const [updated]: [TaskRow[], number] = await m.query(
        `UPDATE playbooks.tasks SET status = $3, note = $4, completed_at = $5
         WHERE workspace_id = $1 AND id::text = $2 AND status = 'open' RETURNING *`,
        [workspaceId, id, status, note, now],
      );
      const task = updated[0];
      if (!task) {
        const exists: TaskRow[] = await m.query(
          `SELECT * FROM playbooks.tasks WHERE workspace_id = $1 AND id::text = $2`,
          [workspaceId, id],
        );
        if (!exists[0])
          throw new PlaybookException(PlaybookExceptionCode.TaskNotFound, `no task ${id} in this workspace`);
        throw new PlaybookException(
          PlaybookExceptionCode.TaskClosed,
          `task ${id} is ${exists[0].status} already`,
        );
      }
      const runs: { correlation_id: string }[] = task.run_id
        ? await m.query(`SELECT correlation_id FROM playbooks.runs WHERE id = $1`, [task.run_id])
        : [];
      if (task.run_id)
        await m.query(
          `UPDATE playbooks.runs SET next_at = $2 WHERE id = $1 AND status = 'running' AND wait_started_at IS NOT NULL`,
          [task.run_id, now],
        );
      await enqueueOutbox(m, SCHEMA, [taskCompletedMessage(task, runs[0]?.correlation_id ?? task.id, now)]);
      return view(task);
    });
  }
}
