import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PlaybookRunStatus } from '@tsuzuku/contracts';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { PlaybookStore } from '../playbooks/playbook-store';
import { TaskRepository } from '../tasks/task.repository';
import { skipOpenTasksOfEndedRuns } from '../tasks/task-rows';
import { RunPageFilter, RunRepository, RunRow } from './run.repository';
import { PlaybookException } from '../playbooks/playbook.exception';
import { SCHEMA, playbookMessage } from '../shared/playbook-envelope';
import { RUNS_CURSOR, SeqCursor, seqPage } from '../shared/seq-cursor';

/** One step of a run: what happened to it, or that it is where the run stands, or still ahead. */
export interface StepStateView {
  readonly stepId: string;
  readonly type: string;
  readonly state: 'succeeded' | 'failed' | 'skipped' | 'timed_out' | 'current' | 'pending' | 'not_reached';
  readonly attempts: number;
  readonly detail: string | null;
  readonly executedAt: string | null;
}

export interface RunView {
  readonly id: string;
  readonly accountId: string;
  readonly playbookId: string;
  readonly playbookName: string;
  readonly version: number;
  readonly status: PlaybookRunStatus;
  readonly trigger: { readonly type: string; readonly ref: string | null };
  readonly currentStep: string | null;
  readonly waitingSince: string | null;
  /** When the engine looks at the run next (a wait's deadline, a retry), null when only an event can wake it. */
  readonly nextAt: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly reason: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly steps: readonly StepStateView[];
}

/** A run page's filters as the API takes them: the page cursor in place of the seq it holds. */
export interface RunFilter extends Omit<RunPageFilter, 'beforeSeq'> {
  readonly cursor?: SeqCursor;
}

/** Runs as the API shows them, with the state of each step; and cancelling. */
@Injectable()
export class RunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: PlaybookStore,
    private readonly runs: RunRepository,
    private readonly tasks: TaskRepository,
    private readonly clock: Clock,
  ) {}

  async list(
    workspaceId: string,
    filter: RunFilter,
  ): Promise<{ items: RunView[]; nextCursor: string | null }> {
    const { items, nextCursor } = await seqPage(RUNS_CURSOR, filter.limit, filter, (f) =>
      this.runs.page(workspaceId, f),
    );
    return { items: await this.views(items), nextCursor };
  }

  async get(workspaceId: string, id: string): Promise<RunView> {
    const run = await this.runs.find(workspaceId, id);
    if (!run) throw new PlaybookException('run_not_found', `no run ${id} in this workspace`);
    return (await this.views([run]))[0]!;
  }

  /** Ends a running run as cancelled; a step executing now finishes first (the row is locked meanwhile). */
  async cancel(workspaceId: string, id: string, reason: string | null): Promise<RunView> {
    await this.dataSource.transaction(async (m) => {
      const run = await this.runs.findForUpdate(m, workspaceId, id);
      if (!run) throw new PlaybookException('run_not_found', `no run ${id} in this workspace`);
      if (run.status !== 'running')
        throw new PlaybookException('run_not_running', `run ${id} is ${run.status}, not running`);
      const now = this.clock.now();
      const why = reason ?? 'cancelled through the API';
      await this.runs.cancel(m, run.id, why, now);
      await enqueueOutbox(m, SCHEMA, [
        playbookMessage(
          'playbook.run.finished',
          workspaceId,
          run.account_id,
          {
            runId: run.id,
            playbookId: run.playbook_id,
            playbookName: run.playbook_name,
            version: run.version,
            status: 'cancelled',
            reason: why,
          },
          { correlationId: run.correlation_id, causationId: null },
          now,
        ),
        ...(await skipOpenTasksOfEndedRuns(
          m,
          this.tasks,
          [{ runId: run.id, why: `run cancelled: ${why}`, correlationId: run.correlation_id }],
          now,
        )),
      ]);
    });
    return this.get(workspaceId, id);
  }

  private async views(rows: RunRow[]): Promise<RunView[]> {
    if (rows.length === 0) return [];
    const executions = await this.runs.stepExecutionsOf(rows.map((r) => r.id));
    const byRun = new Map<string, Map<string, (typeof executions)[number]>>();
    for (const e of executions) {
      const map = byRun.get(e.run_id) ?? new Map();
      map.set(e.step_id, e);
      byRun.set(e.run_id, map);
    }
    const out: RunView[] = [];
    for (const r of rows) {
      const definition = await this.store.version(this.dataSource.manager, r.playbook_id, r.version);
      const done = byRun.get(r.id) ?? new Map();
      const steps: StepStateView[] =
        r.status === 'holdout'
          ? []
          : (definition?.steps ?? []).map((s) => {
              const e = done.get(s.id);
              if (e)
                return {
                  stepId: s.id,
                  type: s.type,
                  state: e.outcome as StepStateView['state'],
                  attempts: e.attempts,
                  detail: e.detail,
                  executedAt: e.executed_at.toISOString(),
                };
              const state =
                r.status === 'running' ? (r.current_step === s.id ? 'current' : 'pending') : 'not_reached';
              return {
                stepId: s.id,
                type: s.type,
                state,
                attempts: r.current_step === s.id ? r.attempts : 0,
                detail: null,
                executedAt: null,
              };
            });
      out.push({
        id: r.id,
        accountId: r.account_id,
        playbookId: r.playbook_id,
        playbookName: r.playbook_name,
        version: r.version,
        status: r.status,
        trigger: { type: r.trigger_type, ref: r.trigger_ref },
        currentStep: r.status === 'running' ? r.current_step : null,
        waitingSince: r.wait_started_at?.toISOString() ?? null,
        nextAt: r.next_at?.toISOString() ?? null,
        attempts: r.attempts,
        lastError: r.last_error,
        reason: r.reason,
        startedAt: r.started_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
        steps,
      });
    }
    return out;
  }
}
