import { EntityManager } from 'typeorm';
import type { TaskEventData, TaskStatus } from '@tsuzuku/contracts';
import { OutboxMessage } from '@tsuzuku/platform-database';
import { playbookMessage } from '../shared/playbook-envelope';
import type { TaskRepository } from './task.repository';

/** A row of playbooks.tasks. */
export interface TaskRow {
  id: string;
  seq: string;
  workspace_id: string;
  account_id: string;
  run_id: string | null;
  playbook_id: string | null;
  step_id: string | null;
  title: string;
  description: string | null;
  owner: string | null;
  /** A person chose the owner (POST or PATCH): it does not follow the account's owner. */
  owner_set_by_hand: boolean;
  priority: TaskEventData['priority'];
  due_at: Date | null;
  status: TaskStatus;
  note: string | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date | null;
}

/** The cs.playbooks.v1 payload of a task as it stands. */
export function taskEventData(task: TaskRow): TaskEventData {
  return {
    taskId: task.id,
    runId: task.run_id,
    playbookId: task.playbook_id,
    title: task.title,
    owner: task.owner,
    ownerSetByHand: task.owner_set_by_hand,
    priority: task.priority,
    dueAt: task.due_at?.toISOString() ?? null,
    status: task.status,
    note: task.note,
    completedAt: task.completed_at?.toISOString() ?? null,
  };
}

/** task.created, task.updated or task.completed for a task as it stands. */
export function taskMessage(
  type: 'task.created' | 'task.updated' | 'task.completed',
  task: TaskRow,
  correlationId: string,
  now: Date,
): OutboxMessage {
  return playbookMessage(
    type,
    task.workspace_id,
    task.account_id,
    taskEventData(task),
    { correlationId, causationId: null },
    now,
  );
}

/** task.completed for a task that was just closed. */
export function taskCompletedMessage(task: TaskRow, correlationId: string, now: Date): OutboxMessage {
  return taskMessage('task.completed', task, correlationId, now);
}

/**
 * A run that exits or is cancelled leaves no work behind: its open tasks are closed as skipped,
 * with why, and announced. Returns the task.completed messages for the caller's outbox.
 */
export async function skipOpenTasksOfEndedRuns(
  m: EntityManager,
  tasks: TaskRepository,
  ended: readonly { readonly runId: string; readonly why: string; readonly correlationId: string }[],
  now: Date,
): Promise<OutboxMessage[]> {
  const closed = await tasks.skipOpenOfRuns(m, ended, now);
  const correlation = new Map(ended.map((e) => [e.runId, e.correlationId]));
  return closed.map((task) => taskCompletedMessage(task, correlation.get(task.run_id!) ?? task.id, now));
}

/**
 * Skips the open playbook tasks (those of a run) of these accounts, whatever their run's state:
 * a task of a run that already completed is still open work. Tasks people created by hand stay.
 * Returns the task.completed messages to enqueue.
 */
export async function skipOpenRunTasksOfAccounts(
  m: EntityManager,
  tasks: TaskRepository,
  accounts: readonly { readonly workspaceId: string; readonly accountId: string }[],
  why: string,
  now: Date,
): Promise<OutboxMessage[]> {
  const closed = await tasks.skipOpenRunTasksOfAccounts(m, accounts, why, now);
  return closed.map((task) => taskCompletedMessage(task, task.id, now));
}
