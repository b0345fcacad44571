import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { PlaybookRunStatus, PlaybookStepExecutedData, TaskStatus } from '@tsuzuku/contracts';
import { ACCOUNT_CHURNED_REASON, EventCause, isChurnedAccount } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { backoffDelay } from '@tsuzuku/platform-kafka';
import { Clock } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from '../config/playbooks.config';
import { RunFacts } from '../playbooks/domain/conditions';
import { durationMs } from '../playbooks/domain/duration';
import { EffectStep, PlaybookDefinition } from '../playbooks/domain/playbook-definition';
import { RunPosition, decide, positionAfter } from '../playbooks/domain/run-machine';
import { renderTemplate } from '../playbooks/domain/template-render';
import { stepOwnerOf, taskOwnerFor } from '../tasks/domain/task-owner';
import { PlaybookStore } from '../playbooks/playbook-store';
import { SCHEMA, playbookMessage } from '../shared/playbook-envelope';
import { NewStepExecution, RunRepository, DueRun } from '../runs/run.repository';
import { NewTask, TaskRepository } from '../tasks/task.repository';
import { AccountProfileRepository } from './account-profile.repository';
import { WorkspaceSettingsRepository } from './workspace-settings.repository';
import { AccountSnapshot, accountKey, templateValues, unknownAccount } from './account-store';
import { EffectResult, StepEffects } from './step-effects';
import { skipOpenTasksOfEndedRuns } from '../tasks/task-rows';
import { PlaybooksMetrics } from './playbooks.metrics';

const DAY_MS = 86_400_000;
const MAX_DECISIONS = 200;
const RETRY_CAP_MS = 600_000;

/** A run row as the engine claims it. */
type RunRow = DueRun;

/** Everything one tick writes, flushed in bulk at its end. */
interface TickWrites {
  readonly executions: NewStepExecution[];
  readonly tasks: NewTask[];
  readonly runs: {
    id: string;
    status: PlaybookRunStatus;
    currentStep: string | null;
    waitStartedAt: string | null;
    attempts: number;
    lastError: string | null;
    nextAt: string | null;
    reason: string | null;
    finishedAt: string | null;
    /** Not a column: carried to the messages of the tasks an exit closes. */
    correlationId: string;
  }[];
  readonly outbox: OutboxMessage[];
}

/** What a run's messages name as their cause: its correlation, in the trace of its trigger. */
function causeOf(run: RunRow): EventCause {
  return {
    correlationId: run.correlation_id,
    causationId: null,
    ...(run.trace_context ? { trace: run.trace_context } : {}),
  };
}

export const idempotencyKeyOf = (runId: string, stepId: string) => `${runId}:${stepId}`;

/**
 * The durable engine. A tick claims due runs with FOR UPDATE SKIP LOCKED (another instance
 * skips them), advances each as far as it can go (executing effect steps, starting and ending
 * waits, taking branches), and in the same transaction records every step execution under its
 * idempotency key, the run's new position and timer (next_at), and the outbox messages. A run
 * waiting is just a row with a next_at, so a restart picks it up where it stood.
 */
@Injectable()
export class RunEngine {
  private readonly logger = new Logger(RunEngine.name);
  private readonly metrics = new PlaybooksMetrics();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: PlaybookStore,
    private readonly effects: StepEffects,
    private readonly config: PlaybooksConfig,
    private readonly accountProfiles: AccountProfileRepository,
    private readonly runRows: RunRepository,
    private readonly taskRows: TaskRepository,
    private readonly workspaceSettings: WorkspaceSettingsRepository,
    private readonly clock: Clock,
  ) {}

  /** Advances the due runs (at most one batch); returns how many were claimed. */
  async tick(now: Date = this.clock.now()): Promise<number> {
    let committed: TickWrites | undefined;
    const claimed = await this.dataSource.transaction(async (m) => {
      const runs = await this.runRows.claimDue(m, now, this.config.PLAYBOOK_BATCH_SIZE);
      if (runs.length === 0) return 0;
      const ids = runs.map((r) => r.id);
      const accounts = await this.accountProfiles.load(
        m,
        runs.map((r) => ({ workspaceId: r.workspace_id, accountId: r.account_id })),
      );
      const tasksByRun = await this.taskRows.statusesOfRuns(m, ids);
      // Read each tick: a change of the workspace's fallback owner applies to the next task.
      const fallbackOwners = await this.workspaceSettings.fallbackOwners(
        m,
        runs.map((r) => r.workspace_id),
      );
      const done = new Set(
        (await this.runRows.stepExecutionsOf(ids, m)).map((d) => idempotencyKeyOf(d.run_id, d.step_id)),
      );
      // One connection: its queries go one after the other; only the effects below run side by side.
      const definitions = new Map<string, PlaybookDefinition | null>();
      for (const run of runs) {
        const key = `${run.playbook_id}:${run.version}`;
        if (!definitions.has(key))
          definitions.set(key, await this.store.version(m, run.playbook_id, run.version));
      }
      const writes: TickWrites = { executions: [], tasks: [], runs: [], outbox: [] };
      await Promise.all(
        runs.map(async (run) => {
          const definition = definitions.get(`${run.playbook_id}:${run.version}`) ?? null;
          const account =
            accounts.get(accountKey(run.workspace_id, run.account_id)) ??
            unknownAccount(run.workspace_id, run.account_id);
          await this.advance(
            run,
            definition,
            account,
            tasksByRun.get(run.id) ?? new Map(),
            done,
            writes,
            now,
            fallbackOwners.get(run.workspace_id) ?? null,
          );
        }),
      );
      await this.flush(m, writes, now);
      committed = writes;
      return runs.length;
    });
    if (committed) this.metrics.committed(committed.executions, committed.runs);
    return claimed;
  }

  private async advance(
    run: RunRow,
    definition: PlaybookDefinition | null,
    account: AccountSnapshot,
    tasks: Map<string, TaskStatus>,
    done: ReadonlySet<string>,
    writes: TickWrites,
    now: Date,
    fallbackOwner: string | null,
  ): Promise<void> {
    const ref = {
      runId: run.id,
      playbookId: run.playbook_id,
      playbookName: run.playbook_name,
      version: run.version,
    };
    const cause = causeOf(run);
    const announce = (data: Omit<PlaybookStepExecutedData, keyof typeof ref>) =>
      writes.outbox.push(
        playbookMessage(
          'playbook.step.executed',
          run.workspace_id,
          run.account_id,
          { ...ref, ...data },
          cause,
          now,
        ),
      );
    const record = (
      stepId: string,
      stepType: PlaybookStepExecutedData['stepType'],
      outcome: PlaybookStepExecutedData['outcome'],
      attempts: number,
      detail: string | null,
    ) => {
      writes.executions.push({
        runId: run.id,
        stepId,
        stepType,
        key: idempotencyKeyOf(run.id, stepId),
        outcome,
        attempts,
        detail,
      });
      announce({ stepId, stepType, outcome, attempts, detail });
    };
    const finish = (
      status: Exclude<PlaybookRunStatus, 'running'>,
      reason: string | null,
      position: RunPosition,
      attempts = 0,
      lastError: string | null = null,
    ) => {
      writes.runs.push({
        id: run.id,
        correlationId: run.correlation_id,
        status,
        currentStep: position.stepId,
        waitStartedAt: position.waitStartedAt,
        attempts,
        lastError,
        nextAt: null,
        reason,
        finishedAt: now.toISOString(),
      });
      writes.outbox.push(
        playbookMessage(
          'playbook.run.finished',
          run.workspace_id,
          run.account_id,
          { ...ref, status, reason },
          cause,
          now,
        ),
      );
    };
    let position: RunPosition = {
      stepId: run.current_step,
      waitStartedAt: run.wait_started_at?.toISOString() ?? null,
    };
    if (!definition) return finish('failed', `version ${run.version} of the playbook is missing`, position);
    // A churned account gets no further step (its runs are closed when the snapshot comes; this covers a race).
    if (account.profiled && isChurnedAccount(account))
      return finish('exited', ACCOUNT_CHURNED_REASON, position);
    const facts: RunFacts = {
      ...account,
      runStartedAt: run.started_at.toISOString(),
      tasks,
      alertResolved: run.alert_resolved,
    };
    let attempts = run.attempts;
    for (let i = 0; i < MAX_DECISIONS; i++) {
      const decision = decide(definition, position, facts, now);
      switch (decision.kind) {
        case 'exit':
          return finish('exited', decision.reason, position);
        case 'complete':
          return finish('completed', null, position);
        case 'waiting':
          writes.runs.push({
            id: run.id,
            correlationId: run.correlation_id,
            status: 'running',
            currentStep: position.stepId,
            waitStartedAt: position.waitStartedAt,
            attempts: 0,
            lastError: null,
            nextAt: decision.dueAt,
            reason: null,
            finishedAt: null,
          });
          return;
        case 'wait_started':
          break;
        case 'wait_over':
          record(decision.stepId, 'wait', decision.outcome, 1, null);
          break;
        case 'branched':
          record(decision.stepId, 'branch', 'succeeded', 1, `${decision.taken} → ${decision.next ?? 'end'}`);
          break;
        case 'execute': {
          const key = idempotencyKeyOf(run.id, decision.step.id);
          // Recorded before means done: never again.
          if (done.has(key)) break;
          let result: EffectResult;
          const began = performance.now();
          try {
            result = await this.execute(decision.step, run, account, key, tasks, writes, now, fallbackOwner);
            this.metrics.stepRan(decision.step.type, (performance.now() - began) / 1000, false);
          } catch (error) {
            this.metrics.stepRan(decision.step.type, (performance.now() - began) / 1000, true);
            attempts++;
            const message = (error as Error).message;
            if (attempts >= this.config.PLAYBOOK_STEP_MAX_ATTEMPTS) {
              record(decision.step.id, decision.step.type, 'failed', attempts, message);
              return finish(
                'failed',
                `step ${decision.step.id} failed after ${attempts} attempt(s): ${message}`,
                position,
                attempts,
                message,
              );
            }
            this.logger.warn(`run ${run.id} step ${decision.step.id} attempt ${attempts} failed: ${message}`);
            writes.runs.push({
              id: run.id,
              correlationId: run.correlation_id,
              status: 'running',
              currentStep: position.stepId,
              waitStartedAt: null,
              attempts,
              lastError: message,
              nextAt: new Date(
                now.getTime() + backoffDelay(attempts, this.config.PLAYBOOK_RETRY_BASE_MS, RETRY_CAP_MS),
              ).toISOString(),
              reason: null,
              finishedAt: null,
            });
            return;
          }
          record(decision.step.id, decision.step.type, result.outcome, attempts + 1, result.detail);
          // A step that failed for good (an email no SMTP server could take) fails its run: the run
          // never reads "completed" when a step could not do its work.
          if (result.outcome === 'failed')
            return finish(
              'failed',
              `step ${decision.step.id} failed: ${result.detail ?? 'no detail'}`,
              position,
              attempts + 1,
              result.detail,
            );
          attempts = 0;
          break;
        }
      }
      position = positionAfter(position, decision, now);
    }
    // A definition is at most 50 steps and only jumps forward; this is a guard, not a path.
    finish('failed', 'too many decisions in one tick', position);
  }

  private async execute(
    step: EffectStep,
    run: RunRow,
    account: AccountSnapshot,
    key: string,
    tasks: Map<string, TaskStatus>,
    writes: TickWrites,
    now: Date,
    fallbackOwner: string | null,
  ): Promise<EffectResult> {
    const values = templateValues(account, run.playbook_name, run.id);
    switch (step.type) {
      case 'task': {
        const taskId = randomUUID();
        const dueMs =
          step.dueIn !== undefined
            ? durationMs(step.dueIn)
            : step.dueInDays !== undefined
              ? step.dueInDays * DAY_MS
              : null;
        const alertOwner = typeof run.context['alertOwner'] === 'string' ? run.context['alertOwner'] : null;
        const owner = taskOwnerFor(stepOwnerOf(step), {
          accountOwner: account.csmEmail,
          alertOwner,
          manager: this.config.PLAYBOOK_MANAGER_EMAIL ?? null,
          fallbackOwner,
        });
        const task = {
          id: taskId,
          workspaceId: run.workspace_id,
          accountId: run.account_id,
          runId: run.id,
          playbookId: run.playbook_id,
          stepId: step.id,
          title: renderTemplate(step.title, values),
          description: step.description === undefined ? null : renderTemplate(step.description, values),
          owner,
          priority: step.priority ?? 'medium',
          dueAt: dueMs === null ? null : new Date(now.getTime() + dueMs).toISOString(),
        };
        writes.tasks.push(task);
        tasks.set(step.id, 'open');
        writes.outbox.push(
          playbookMessage(
            'task.created',
            run.workspace_id,
            run.account_id,
            {
              taskId,
              runId: run.id,
              playbookId: run.playbook_id,
              title: task.title,
              owner,
              ownerSetByHand: false,
              priority: task.priority,
              dueAt: task.dueAt,
              status: 'open',
              note: null,
              completedAt: null,
            },
            causeOf(run),
            now,
          ),
        );
        return { outcome: 'succeeded', detail: `task ${taskId} for ${owner ?? 'nobody'}` };
      }
      case 'email':
        return this.effects.email(
          run.workspace_id,
          account.contactEmail,
          renderTemplate(step.subject, values),
          renderTemplate(step.body, values),
          key,
        );
      case 'webhook':
        return this.effects.webhook(
          step.url,
          step.secrets,
          {
            type: 'playbook.step',
            idempotencyKey: key,
            runId: run.id,
            stepId: step.id,
            playbook: { id: run.playbook_id, name: run.playbook_name, version: run.version },
            trigger: { type: run.trigger_type, ref: run.trigger_ref },
            workspaceId: run.workspace_id,
            account: {
              id: account.accountId,
              name: account.name,
              csmEmail: account.csmEmail,
              segment: account.segment,
              touchModel: account.touchModel,
              phase: account.phase,
              band: account.band,
              score: account.score,
              renewalDate: account.renewalDate,
            },
            sentAt: now.toISOString(),
          },
          key,
        );
      case 'notify':
        return this.effects.notify(step.url, renderTemplate(step.text, values), key);
    }
  }

  private async flush(m: EntityManager, writes: TickWrites, now: Date): Promise<void> {
    await this.runRows.insertStepExecutions(m, writes.executions, now);
    await this.taskRows.insertMany(m, writes.tasks, now);
    await this.runRows.updateProgress(m, writes.runs, now);
    const closed = await skipOpenTasksOfEndedRuns(
      m,
      this.taskRows,
      writes.runs
        .filter((r) => r.status === 'exited')
        .map((r) => ({
          runId: r.id,
          why: `run exited: ${r.reason ?? 'an exit condition held'}`,
          correlationId: r.correlationId,
        })),
      now,
    );
    await enqueueOutbox(m, SCHEMA, [...writes.outbox, ...closed]);
  }
}
