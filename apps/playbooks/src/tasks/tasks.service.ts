import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { TaskEventData, TaskStatus } from '@tsuzuku/contracts';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { AccountProfileRepository } from '../engine/account-profile.repository';
import { accountKey } from '../engine/account-store';
import { WorkspaceSettingsRepository } from '../engine/workspace-settings.repository';
import { RunRepository } from '../runs/run.repository';
import { PlaybookException } from '../playbooks/playbook.exception';
import { SCHEMA } from '../shared/playbook-envelope';
import { SeqCursor, TASKS_CURSOR, seqPage } from '../shared/seq-cursor';
import { taskOwnerFor } from './domain/task-owner';
import { TaskRow, taskMessage } from './task-rows';
import { TaskChange, TaskPageFilter, TaskRepository } from './task.repository';

export interface TaskView {
  readonly id: string;
  readonly accountId: string;
  readonly runId: string | null;
  readonly playbookId: string | null;
  readonly stepId: string | null;
  readonly title: string;
  readonly description: string | null;
  readonly owner: string | null;
  readonly ownerSetByHand: boolean;
  readonly priority: TaskEventData['priority'];
  readonly dueAt: string | null;
  readonly status: TaskStatus;
  readonly note: string | null;
  readonly completedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string | null;
}

/** A task page's filters as the API takes them: the page cursor in place of the seq it holds. */
export interface TaskFilter extends Omit<TaskPageFilter, 'beforeSeq'> {
  readonly cursor?: SeqCursor;
}

/** A task a person asks for; `owner` absent: the account's owner, else the fallback owner. */
export interface NewHandMadeTask {
  readonly accountId: string;
  readonly title: string;
  readonly description: string | null;
  readonly owner?: string;
  readonly priority: TaskEventData['priority'];
  readonly dueAt: string | null;
}

const view = (r: TaskRow): TaskView => ({
  id: r.id,
  accountId: r.account_id,
  runId: r.run_id,
  playbookId: r.playbook_id,
  stepId: r.step_id,
  title: r.title,
  description: r.description,
  owner: r.owner,
  ownerSetByHand: r.owner_set_by_hand,
  priority: r.priority,
  dueAt: r.due_at?.toISOString() ?? null,
  status: r.status,
  note: r.note,
  completedAt: r.completed_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at?.toISOString() ?? null,
});

/**
 * CSM tasks: listing (by owner, or those with none), creating one by hand, and changing an open
 * one: reassigning it, moving its due date, closing it (which can release a run waiting on it).
 */
@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tasks: TaskRepository,
    private readonly runs: RunRepository,
    private readonly accounts: AccountProfileRepository,
    private readonly workspaces: WorkspaceSettingsRepository,
    private readonly clock: Clock,
  ) {}

  async list(
    workspaceId: string,
    filter: TaskFilter,
  ): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    const { items, nextCursor } = await seqPage(TASKS_CURSOR, filter.limit, filter, (f) =>
      this.tasks.page(workspaceId, f),
    );
    return { items: items.map(view), nextCursor };
  }

  /**
   * Creates a task for an account the service knows, and announces task.created. With no owner
   * given it goes to the account's owner, else the workspace's fallback owner, and follows the
   * account's owner later; an owner given is the person's choice and stays. So a task is created
   * for nobody only when neither the account nor the workspace names anyone.
   */
  async create(workspaceId: string, t: NewHandMadeTask): Promise<TaskView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const account = (await this.accounts.load(m, [{ workspaceId, accountId: t.accountId }])).get(
        accountKey(workspaceId, t.accountId),
      );
      if (!account)
        throw new PlaybookException(
          'account_not_found',
          `no account ${t.accountId} in this workspace: playbooks has seen no account.updated or event for it`,
          [{ path: 'accountId', message: 'unknown account' }],
        );
      const byHand = t.owner !== undefined;
      const owner = byHand
        ? t.owner
        : taskOwnerFor('account', {
            accountOwner: account.csmEmail,
            alertOwner: null,
            manager: null,
            fallbackOwner: (await this.workspaces.fallbackOwners(m, [workspaceId])).get(workspaceId) ?? null,
          });
      const row = await this.tasks.insertByHand(
        m,
        {
          id: randomUUID(),
          workspaceId,
          accountId: t.accountId,
          title: t.title,
          description: t.description,
          owner,
          ownerSetByHand: byHand,
          priority: t.priority,
          dueAt: t.dueAt,
        },
        now,
      );
      await enqueueOutbox(m, SCHEMA, [taskMessage('task.created', row, row.id, now)]);
      return view(row);
    });
  }

  /**
   * Changes an open task and announces it: task.completed when the change closes it (the run
   * that made it looks again at once), task.updated otherwise. A new owner is marked as set by
   * hand, so a change of the account's owner leaves it where the person put it.
   */
  async change(workspaceId: string, id: string, change: TaskChange): Promise<TaskView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const task = await this.tasks.updateOpen(m, workspaceId, id, change, now);
      if (!task) {
        const exists = await this.tasks.find(workspaceId, id, m);
        if (!exists) throw new PlaybookException('task_not_found', `no task ${id} in this workspace`);
        throw new PlaybookException(
          'task_closed',
          `task ${id} is ${exists.status} already (since ${exists.completed_at?.toISOString() ?? 'unknown'}): a closed task cannot be changed`,
        );
      }
      const closed = change.status !== undefined;
      const correlationId = task.run_id ? await this.runs.correlationOf(m, task.run_id) : null;
      if (closed && task.run_id) await this.runs.wakeWaitingRun(m, task.run_id, now);
      await enqueueOutbox(m, SCHEMA, [
        taskMessage(closed ? 'task.completed' : 'task.updated', task, correlationId ?? task.id, now),
      ]);
      return view(task);
    });
  }
}
