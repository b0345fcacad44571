import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { PlaybookTriggerType } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { inAudience, isHeldOut } from '../playbooks/domain/conditions';
import { startPosition } from '../playbooks/domain/run-machine';
import { StoredPlaybook } from '../playbooks/playbook-store';
import { Cause, SCHEMA, playbookMessage } from '../shared/playbook-envelope';
import { AccountSnapshot } from './account-store';

/** A trigger that fired for an account: a run of the playbook starts unless one already did. */
export interface StartRequest {
  readonly playbook: StoredPlaybook;
  readonly account: AccountSnapshot;
  readonly trigger: {
    readonly type: PlaybookTriggerType;
    /** What fired it, e.g. the alert id. */
    readonly ref: string | null;
    /** One run per playbook, account and key: the same occurrence never starts two runs. */
    readonly key: string;
  };
  readonly context: Record<string, unknown>;
  readonly cause: Cause;
}

/**
 * Starts the runs of the requests whose account is in the playbook's audience, in the caller's
 * transaction: a held-out account gets a run recorded as holdout with no steps; a trigger
 * already used, or a playbook already running for the account, starts nothing. Returns the ids
 * of the runs that will execute steps.
 */
export async function startRuns(
  m: EntityManager,
  requests: readonly StartRequest[],
  now: Date,
): Promise<string[]> {
  const rows: Record<string, unknown>[] = [];
  const byId = new Map<string, { request: StartRequest; holdout: boolean }>();
  for (const request of requests) {
    const { playbook, account } = request;
    if (!inAudience(playbook.definition.audience, account)) continue;
    const holdout = isHeldOut(account.accountId, playbook.id, playbook.definition.holdoutPercent);
    const id = randomUUID();
    byId.set(id, { request, holdout });
    rows.push({
      id,
      workspaceId: playbook.workspaceId,
      accountId: account.accountId,
      playbookId: playbook.id,
      version: playbook.version,
      playbookName: playbook.definition.name,
      status: holdout ? 'holdout' : 'running',
      triggerType: request.trigger.type,
      triggerRef: request.trigger.ref,
      triggerKey: request.trigger.key,
      context: request.context,
      currentStep: holdout ? null : startPosition(playbook.definition).stepId,
      nextAt: holdout ? null : now.toISOString(),
      correlationId: request.cause.correlationId,
      causationId: request.cause.causationId,
      reason: holdout ? `held out (${playbook.definition.holdoutPercent}% holdout)` : null,
      finishedAt: holdout ? now.toISOString() : null,
    });
  }
  if (rows.length === 0) return [];
  const inserted: { id: string }[] = await m.query(
    `INSERT INTO playbooks.runs (id, workspace_id, account_id, playbook_id, version, playbook_name, status, trigger_type,
       trigger_ref, trigger_key, context, current_step, next_at, correlation_id, causation_id, reason, started_at, finished_at, updated_at)
     SELECT r.id, r."workspaceId", r."accountId", r."playbookId", r.version, r."playbookName", r.status, r."triggerType",
       r."triggerRef", r."triggerKey", r.context, r."currentStep", r."nextAt", r."correlationId", r."causationId", r.reason, $2, r."finishedAt", $2
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "accountId" text, "playbookId" uuid, version int,
       "playbookName" text, status text, "triggerType" text, "triggerRef" text, "triggerKey" text, context jsonb,
       "currentStep" text, "nextAt" timestamptz, "correlationId" text, "causationId" text, reason text, "finishedAt" timestamptz)
     ON CONFLICT DO NOTHING RETURNING id`,
    [JSON.stringify(rows), now.toISOString()],
  );
  const outbox: OutboxMessage[] = [];
  const running: string[] = [];
  for (const { id } of inserted) {
    const { request, holdout } = byId.get(id)!;
    const { playbook, account } = request;
    const ref = {
      runId: id,
      playbookId: playbook.id,
      playbookName: playbook.definition.name,
      version: playbook.version,
    };
    outbox.push(
      playbookMessage(
        'playbook.run.started',
        playbook.workspaceId,
        account.accountId,
        {
          ...ref,
          trigger: { type: request.trigger.type, ref: request.trigger.ref },
          holdout,
        },
        request.cause,
        now,
      ),
    );
    if (holdout)
      outbox.push(
        playbookMessage(
          'playbook.run.finished',
          playbook.workspaceId,
          account.accountId,
          {
            ...ref,
            status: 'holdout',
            reason: 'held out: no steps',
          },
          request.cause,
          now,
        ),
      );
    else running.push(id);
  }
  await enqueueOutbox(m, SCHEMA, outbox);
  return running;
}
