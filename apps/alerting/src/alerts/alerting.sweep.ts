import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AlertingConfig } from '../config/alerting.config';
import { AlertingEngine } from './alerting.engine';

const CHUNK = 500;

/**
 * What time alone changes: every ALERT_SWEEP_INTERVAL_MS each account with a snapshot is
 * re-evaluated (days without a sign-in grow, renewals come closer, onboarding ages, cooldowns
 * and snoozes run out), without waiting for a message about it.
 */
@Injectable()
export class AlertingSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertingSweep.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly engine: AlertingEngine,
    private readonly config: AlertingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running || this.stopped) return;
      this.running = this.sweep()
        .catch((error: unknown) => this.logger.warn(`sweep failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.config.ALERT_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Re-evaluates every account, a chunk per transaction; returns how many. */
  async sweep(): Promise<number> {
    const started = Date.now();
    const keys = await this.engine.accountKeys();
    for (let i = 0; i < keys.length && !this.stopped; i += CHUNK)
      await this.engine.reevaluate(keys.slice(i, i + CHUNK), 'sweep');
    await this.engine.pruneScorePoints();
    this.logger.debug(`swept ${keys.length} account(s) in ${Date.now() - started} ms`);
    return keys.length;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
