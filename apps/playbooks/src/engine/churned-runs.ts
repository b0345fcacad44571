import { EntityManager } from 'typeorm';
import { ACCOUNT_CHURNED_REASON } from '@tsuzuku/contracts';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { SCHEMA, playbookMessage } from '../shared/playbook-envelope';
import { skipOpenRunTasksOfAccounts, skipOpenTasksOfEndedRuns } from '../tasks/task-rows';
import { accountKey } from './account-store';

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
  accounts: readonly { workspaceId: string; accountId: string }[],
  now: Date,
): Promise<void> {
  if (accounts.length === 0) return;
  const sorted = [...accounts].sort((a, b) =>
    accountKey(a.workspaceId, a.accountId) < accountKey(b.workspaceId, b.accountId) ? -1 : 1,
  );
  const [ended]: [
    {
      id: string;
      workspace_id: string;
      account_id: string;
      playbook_id: string;
      playbook_name: string;
      version: number;
      correlation_id: string;
    }[],
    number,
  ] = await m.query(
    `UPDATE playbooks.runs r SET status = 'exited', reason = $3, next_at = NULL, finished_at = $4, updated_at = $4
     FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
     WHERE r.workspace_id = k.workspace_id AND r.account_id = k.account_id AND r.status = 'running'
     RETURNING r.id, r.workspace_id, r.account_id, r.playbook_id, r.playbook_name, r.version, r.correlation_id`,
    [
      sorted.map((a) => a.workspaceId),
      sorted.map((a) => a.accountId),
      ACCOUNT_CHURNED_REASON,
      now.toISOString(),
    ],
  );
  const leftOver = async (): Promise<void> =>
    enqueueOutbox(m, SCHEMA, await skipOpenRunTasksOfAccounts(m, sorted, CHURN_TASK_WHY, now));
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
    ended.map((run) => ({ runId: run.id, why: CHURN_EXIT_WHY, correlationId: run.correlation_id })),
    now,
  );
  await enqueueOutbox(m, SCHEMA, [...finished, ...tasks]);
  await leftOver();
}
