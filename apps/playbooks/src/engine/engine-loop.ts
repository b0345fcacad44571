import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs, JobHandle } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from '../config/playbooks.config';
import { RunEngine } from './run-engine';
import { TriggerSweep } from './trigger-sweep';

/**
 * Drives the engine, as two background jobs: a tick every PLAYBOOK_TICK_MS on every replica
 * (and at once when woken by new work), repeated while ticks come back full; the time-based
 * triggers every PLAYBOOK_SWEEP_MS, once per cluster (leased). At shutdown the runner stops
 * starting ticks and waits for the one in flight, so nothing is left half done.
 */
@Injectable()
export class EngineLoop implements OnApplicationBootstrap {
  private ticks?: JobHandle;

  constructor(
    private readonly engine: RunEngine,
    private readonly sweep: TriggerSweep,
    private readonly config: PlaybooksConfig,
    private readonly jobs: BackgroundJobs,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.ticks = this.jobs.schedule({
      name: 'playbook-engine',
      everyMs: this.config.PLAYBOOK_TICK_MS,
      runAtStart: true,
      retry: { baseMs: this.config.PLAYBOOK_TICK_MS, capMs: 30_000 },
      run: async (signal) => {
        while (!signal.aborted && (await this.engine.tick()) === this.config.PLAYBOOK_BATCH_SIZE) {
          // a full batch: more may be due
        }
      },
    });
    this.jobs.schedule({
      name: 'playbook-trigger-sweep',
      everyMs: this.config.PLAYBOOK_SWEEP_MS,
      oncePerCluster: true,
      runAtStart: true,
      run: async () => {
        if ((await this.sweep.run(this.clock.now())) > 0) this.wake();
      },
    });
  }

  /** New work may be due now (a run started, a task completed): tick without waiting. */
  wake(): void {
    this.ticks?.wake();
  }
}
