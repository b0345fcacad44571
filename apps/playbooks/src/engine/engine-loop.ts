import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PlaybooksConfig } from '../config/playbooks.config';
import { RunEngine } from './run-engine';
import { TriggerSweep } from './trigger-sweep';

/**
 * Drives the engine: a tick every PLAYBOOK_TICK_MS (and at once when woken by new work),
 * repeated while ticks come back full; the time-based triggers every PLAYBOOK_SWEEP_MS. At
 * shutdown it stops starting ticks and waits for the one in flight, so nothing is left half done.
 */
@Injectable()
export class EngineLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EngineLoop.name);
  private timer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private sweeping?: Promise<void>;
  private again = false;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly engine: RunEngine,
    private readonly sweep: TriggerSweep,
    private readonly config: PlaybooksConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
    this.sweepTimer = setInterval(() => this.runSweep(), this.config.PLAYBOOK_SWEEP_MS);
    this.sweepTimer.unref();
    this.runSweep();
  }

  /** New work may be due now (a run started, a task completed): tick without waiting. */
  wake(): void {
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tickAll(), delayMs);
  }

  private tickAll(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      let delay = this.config.PLAYBOOK_TICK_MS;
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.engine.tick()) === this.config.PLAYBOOK_BATCH_SIZE) {
            // a full batch: more may be due
          }
        } while (this.again && !this.stopped);
        this.failures = 0;
      } catch (error) {
        this.failures++;
        delay = Math.min(30_000, this.config.PLAYBOOK_TICK_MS * 2 ** Math.min(this.failures, 5));
        this.logger.warn(`engine tick failed (${this.failures} in a row): ${(error as Error).message}`);
      } finally {
        this.ticking = undefined;
      }
      this.schedule(delay);
    })();
    return this.ticking;
  }

  private runSweep(): void {
    if (this.sweeping || this.stopped) return;
    this.sweeping = this.sweep
      .run(new Date())
      .then((started) => {
        if (started > 0) this.wake();
      })
      .catch((error: unknown) => this.logger.warn(`trigger sweep failed: ${(error as Error).message}`))
      .finally(() => (this.sweeping = undefined));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.sweepTimer);
    await this.ticking;
    await this.sweeping;
  }
}
