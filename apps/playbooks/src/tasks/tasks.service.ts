import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TaskEventData, TaskStatus } from '@tsuzuku/contracts';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { RunRepository } from '../runs/run.repository';
import { PlaybookException, PlaybookExceptionCode } from '../playbooks/playbook.exception';
import { SCHEMA } from '../shared/playbook-envelope';
import { SeqCursor, TASKS_CURSOR } from '../shared/seq-cursor';
import { TaskRow, taskCompletedMessage } from './task-rows';
import { TaskRepository } from './task.repository';

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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tasks: TaskRepository,
    private readonly runs: RunRepository,
    private readonly clock: Clock,
  ) {}

  async list(
    workspaceId: string,
    filter: TaskFilter,
  ): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    const rows = await this.tasks.page(workspaceId, {
      assignee: filter.assignee,
      status: filter.status,
      accountId: filter.accountId,
      dueBefore: filter.dueBefore,
      dueAfter: filter.dueAfter,
      beforeSeq: filter.cursor?.seq,
      limit: filter.limit + 1,
    });
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
      const now = this.clock.now();
      const task = await this.tasks.closeOpen(m, workspaceId, id, status, note, now);
      if (!task) {
        const exists = await this.tasks.find(workspaceId, id, m);
        if (!exists)
          throw new PlaybookException(PlaybookExceptionCode.TaskNotFound, `no task ${id} in this workspace`);
        throw new PlaybookException(
          PlaybookExceptionCode.TaskClosed,
          `task ${id} is ${exists.status} already`,
        );
      }
      const correlationId = task.run_id ? await this.runs.correlationOf(m, task.run_id) : null;
      if (task.run_id) await this.runs.wakeWaitingRun(m, task.run_id, now);
      await enqueueOutbox(m, SCHEMA, [taskCompletedMessage(task, correlationId ?? task.id, now)]);
      return view(task);
    });
  }
}
