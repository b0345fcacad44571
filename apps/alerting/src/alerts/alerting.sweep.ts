import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { AlertingConfig } from '../config/alerting.config';
import { AlertingEngine } from './alerting.engine';

const CHUNK = 500;

/**
 * What time alone changes: every ALERT_SWEEP_INTERVAL_MS each account with a snapshot is
 * re-evaluated (days without a sign-in grow, renewals come closer, onboarding ages, cooldowns
 * and snoozes run out), without waiting for a message about it. Once per cluster (leased).
 */
@Injectable()
export class AlertingSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertingSweep.name);

  constructor(
    private readonly engine: AlertingEngine,
    private readonly config: AlertingConfig,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule({
      name: 'alerting-sweep',
      everyMs: this.config.ALERT_SWEEP_INTERVAL_MS,
      oncePerCluster: true,
      run: (signal) => this.sweep(signal),
    });
  }

  /** Re-evaluates every account, a chunk per transaction (until `signal` aborts); returns how many. */
  async sweep(signal?: AbortSignal): Promise<number> {
    const started = Date.now();
    const keys = await this.engine.accountKeys();
    for (let i = 0; i < keys.length && !signal?.aborted; i += CHUNK)
      await this.engine.reevaluate(keys.slice(i, i + CHUNK), 'sweep');
    await this.engine.pruneScorePoints();
    this.logger.debug(`swept ${keys.length} account(s) in ${Date.now() - started} ms`);
    return keys.length;
  }
}
