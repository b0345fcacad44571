import { EntityManager } from 'typeorm';
import type { TaskEventData, TaskStatus } from '@tsuzuku/contracts';
import { OutboxMessage } from '@tsuzuku/platform-database';
import { playbookMessage } from '../shared/playbook-envelope';

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
  assignee: string | null;
  priority: TaskEventData['priority'];
  due_at: Date | null;
  status: TaskStatus;
  note: string | null;
  completed_at: Date | null;
  created_at: Date;
}

/** task.completed for a task that was just closed. */
export function taskCompletedMessage(task: TaskRow, correlationId: string, now: Date): OutboxMessage {
  return playbookMessage(
    'task.completed',
    task.workspace_id,
    task.account_id,
    {
      taskId: task.id,
      runId: task.run_id,
      playbookId: task.playbook_id,
      title: task.title,
      assignee: task.assignee,
      priority: task.priority,
      dueAt: task.due_at?.toISOString() ?? null,
      status: task.status,
      note: task.note,
      completedAt: task.completed_at?.toISOString() ?? null,
    },
    { correlationId, causationId: null },
    now,
  );
}

/**
 * A run that exits or is cancelled leaves no work behind: its open tasks are closed as skipped,
 * with why, and announced. Returns the task.completed messages for the caller's outbox.
 */
export async function skipOpenTasksOfEndedRuns(
  m: EntityManager,
  ended: readonly { readonly runId: string; readonly why: string; readonly correlationId: string }[],
  now: Date,
): Promise<OutboxMessage[]> {
  if (ended.length === 0) return [];
  const [closed]: [TaskRow[], number] = await m.query(
    `UPDATE playbooks.tasks AS t SET status = 'skipped', note = e.why, completed_at = $2
     FROM jsonb_to_recordset($1::jsonb) AS e("runId" uuid, why text)
     WHERE t.run_id = e."runId" AND t.status = 'open' RETURNING t.*`,
    [JSON.stringify(ended.map((e) => ({ runId: e.runId, why: e.why }))), now.toISOString()],
  );
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
  accounts: readonly { readonly workspaceId: string; readonly accountId: string }[],
  why: string,
  now: Date,
): Promise<OutboxMessage[]> {
  if (accounts.length === 0) return [];
  const [closed]: [TaskRow[], number] = await m.query(
    `UPDATE playbooks.tasks AS t SET status = 'skipped', note = $3, completed_at = $4
     FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
     WHERE t.workspace_id = k.workspace_id AND t.account_id = k.account_id AND t.status = 'open'
       AND t.run_id IS NOT NULL
     RETURNING t.*`,
    [accounts.map((a) => a.workspaceId), accounts.map((a) => a.accountId), why, now.toISOString()],
  );
  return closed.map((task) => taskCompletedMessage(task, task.id, now));
}
