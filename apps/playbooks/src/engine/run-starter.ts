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
import { NewRun, RunRepository } from '../runs/run.repository';
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
  runs: RunRepository,
  requests: readonly StartRequest[],
  now: Date,
): Promise<StartResult> {
  const rows: NewRun[] = [];
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
  const started = await runs.insertMany(m, rows, now);
  const outbox: OutboxMessage[] = [];
  const running: string[] = [];
  const refused = [...byId.entries()].filter(([id]) => !started.has(id)).map(([, v]) => v.request);
  if (refused.length > 0) {
    // Which unique index refused it: this occurrence had its run, or another run is under way.
    const usedKeys = await runs.usedTriggerKeys(
      m,
      refused.map((r) => ({
        playbookId: r.playbook.id,
        accountId: r.account.accountId,
        triggerKey: r.trigger.key,
      })),
    );
    for (const request of refused)
      if (
        usedKeys.has(`${request.playbook.id}\u0000${request.account.accountId}\u0000${request.trigger.key}`)
      )
        decide(request, 'already_triggered', 'this occurrence of the trigger already had its run');
      else decide(request, 'already_running', 'a run of the playbook is under way for the account');
  }
  for (const id of started) {
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
