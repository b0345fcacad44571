import { EntityManager } from 'typeorm';
import { ACCOUNT_CHURNED_REASON } from '@tsuzuku/contracts';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { SCHEMA, playbookMessage } from '../shared/playbook-envelope';
import { skipOpenRunTasksOfAccounts, skipOpenTasksOfEndedRuns } from '../tasks/task-rows';
import { RunRepository } from '../runs/run.repository';
import { TaskRepository } from '../tasks/task.repository';

/** How a run ended by churn reads, on the run and on its open tasks. */
export const CHURN_EXIT_WHY = `run exited: ${ACCOUNT_CHURNED_REASON}`;
/** How an open task of a run that had already completed reads when its account churns. */
export const CHURN_TASK_WHY = `account churned: ${ACCOUNT_CHURNED_REASON}`;

/**
 * A churned account leaves no work open: its running runs exit with reason account_churned and
 * their open tasks are skipped with that reason, and so are the open tasks of its runs that had
 * already completed (a run whose last step is a task ends as the task is created); announced like
 * any other end, in the caller's transaction.
 */
export async function closeRunsOfChurned(
  m: EntityManager,
  repositories: { readonly runs: RunRepository; readonly tasks: TaskRepository },
  accounts: readonly { workspaceId: string; accountId: string }[],
  now: Date,
): Promise<void> {
  const ended = await repositories.runs.exitRunningOfAccounts(m, accounts, ACCOUNT_CHURNED_REASON, now);
  const leftOver = async (): Promise<void> =>
    enqueueOutbox(
      m,
      SCHEMA,
      await skipOpenRunTasksOfAccounts(m, repositories.tasks, accounts, CHURN_TASK_WHY, now),
    );
  if (ended.length === 0) return leftOver();
  const finished = ended.map((run) =>
    playbookMessage(
      'playbook.run.finished',
      run.workspace_id,
      run.account_id,
      {
        runId: run.id,
        playbookId: run.playbook_id,
        playbookName: run.playbook_name,
        version: run.version,
        status: 'exited',
        reason: ACCOUNT_CHURNED_REASON,
      },
      { correlationId: run.correlation_id, causationId: null },
      now,
    ),
  );
  const tasks = await skipOpenTasksOfEndedRuns(
    m,
    repositories.tasks,
    ended.map((run) => ({ runId: run.id, why: CHURN_EXIT_WHY, correlationId: run.correlation_id })),
    now,
  );
  await enqueueOutbox(m, SCHEMA, [...finished, ...tasks]);
  await leftOver();
}
