import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ACCOUNT_CHURNED_REASON, PlaybookTriggerType, isChurnedAccount } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox, traceHeadersFor } from '@tsuzuku/platform-database';
import { TriggerDecision } from '../decisions/trigger-decision.repository';
import { audienceMismatch, isHeldOut } from '../playbooks/domain/conditions';
import { TriggerOutcome } from '../playbooks/domain/trigger-gate';
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
  /** Event time of what fired it. */
  readonly triggeredAt: string;
  /** Said with the decision, e.g. that the trigger waited for the profile. */
  readonly note?: string | null;
}

/** What startRuns did: the runs that will execute steps, and the decision about every request. */
export interface StartResult {
  readonly running: string[];
  readonly decisions: TriggerDecision[];
}

/** The decision record of a request. */
export function decisionOf(
  request: Omit<StartRequest, 'account'> & { readonly accountId: string },
  outcome: TriggerOutcome,
  detail: string | null,
  runId: string | null = null,
): TriggerDecision {
  return {
    workspaceId: request.playbook.workspaceId,
    accountId: request.accountId,
    playbookId: request.playbook.id,
    playbookName: request.playbook.definition.name,
    triggerType: request.trigger.type,
    triggerRef: request.trigger.ref,
    triggerKey: request.trigger.key,
    outcome,
    detail,
    runId,
    triggeredAt: request.triggeredAt,
  };
}

/**
 * Starts the runs of the requests whose account is in the playbook's audience, in the caller's
 * transaction: a churned account starts nothing; a held-out account gets a run recorded as
 * holdout with no steps; a trigger already used, or a playbook already running for the account,
 * starts nothing. Returns the ids of the runs that will execute steps and, for every request,
 * the decision (the caller records them).
 */
export async function startRuns(
  m: EntityManager,
  requests: readonly StartRequest[],
  now: Date,
): Promise<StartResult> {
  const rows: Record<string, unknown>[] = [];
  const byId = new Map<string, { request: StartRequest; holdout: boolean }>();
  const decisions: TriggerDecision[] = [];
  const decide = (request: StartRequest, outcome: TriggerOutcome, detail: string | null, runId?: string) =>
    decisions.push(
      decisionOf(
        { ...request, accountId: request.account.accountId },
        outcome,
        joined(request.note, detail),
        runId,
      ),
    );
  for (const request of requests) {
    const { playbook, account } = request;
    if (account.profiled && isChurnedAccount(account)) {
      decide(request, ACCOUNT_CHURNED_REASON, 'the account has no active subscription (MRR 0)');
      continue;
    }
    const mismatch = audienceMismatch(playbook.definition.audience, account);
    if (mismatch !== null) {
      decide(request, 'audience_mismatch', mismatch);
      continue;
    }
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
      traceContext: request.cause.trace ?? traceHeadersFor(request.cause.causationId),
      reason: holdout ? `held out (${playbook.definition.holdoutPercent}% holdout)` : null,
      finishedAt: holdout ? now.toISOString() : null,
    });
  }
  if (rows.length === 0) return { running: [], decisions };
  const inserted: { id: string }[] = await m.query(
    `INSERT INTO playbooks.runs (id, workspace_id, account_id, playbook_id, version, playbook_name, status, trigger_type,
       trigger_ref, trigger_key, context, current_step, next_at, correlation_id, causation_id, trace_context, reason, started_at, finished_at, updated_at)
     SELECT r.id, r."workspaceId", r."accountId", r."playbookId", r.version, r."playbookName", r.status, r."triggerType",
       r."triggerRef", r."triggerKey", r.context, r."currentStep", r."nextAt", r."correlationId", r."causationId", r."traceContext", r.reason, $2, r."finishedAt", $2
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "accountId" text, "playbookId" uuid, version int,
       "playbookName" text, status text, "triggerType" text, "triggerRef" text, "triggerKey" text, context jsonb,
       "currentStep" text, "nextAt" timestamptz, "correlationId" text, "causationId" text, "traceContext" jsonb, reason text,
       "finishedAt" timestamptz)
     ON CONFLICT DO NOTHING RETURNING id`,
    [JSON.stringify(rows), now.toISOString()],
  );
  const outbox: OutboxMessage[] = [];
  const running: string[] = [];
  const started = new Set(inserted.map((r) => r.id));
  const refused = [...byId.entries()].filter(([id]) => !started.has(id)).map(([, v]) => v.request);
  if (refused.length > 0) {
    // Which unique index refused it: this occurrence had its run, or another run is under way.
    const used: { playbook_id: string; account_id: string; trigger_key: string }[] = await m.query(
      `SELECT r.playbook_id, r.account_id, r.trigger_key FROM playbooks.runs r
       JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS k(playbook_id, account_id, trigger_key)
         USING (playbook_id, account_id, trigger_key)`,
      [
        refused.map((r) => r.playbook.id),
        refused.map((r) => r.account.accountId),
        refused.map((r) => r.trigger.key),
      ],
    );
    const usedKeys = new Set(used.map((u) => `${u.playbook_id}\u0000${u.account_id}\u0000${u.trigger_key}`));
    for (const request of refused)
      if (
        usedKeys.has(`${request.playbook.id}\u0000${request.account.accountId}\u0000${request.trigger.key}`)
      )
        decide(request, 'already_triggered', 'this occurrence of the trigger already had its run');
      else decide(request, 'already_running', 'a run of the playbook is under way for the account');
  }
  for (const { id } of inserted) {
    const { request, holdout } = byId.get(id)!;
    if (holdout)
      decide(request, 'holdout', `held out (${request.playbook.definition.holdoutPercent}% holdout)`, id);
    else decide(request, 'started', null, id);
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
  return { running, decisions };
}

const joined = (a: string | null | undefined, b: string | null): string | null =>
  a && b ? `${a}; ${b}` : (a ?? b);
