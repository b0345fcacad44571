import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { AlertingConfig } from '../config/alerting.config';
import { AccountSnapshotRepository } from './account-snapshot.repository';
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
    private readonly accounts: AccountSnapshotRepository,
    private readonly config: AlertingConfig,
    private readonly jobs: BackgroundJobs,
    private readonly clock: Clock,
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
    const started = performance.now();
    const keys = await this.accounts.allKeys();
    for (let i = 0; i < keys.length && !signal?.aborted; i += CHUNK)
      await this.engine.reevaluate(keys.slice(i, i + CHUNK), 'sweep');
    await this.accounts.pruneScorePoints(this.clock.now());
    this.logger.debug(`swept ${keys.length} account(s) in ${Math.round(performance.now() - started)} ms`);
    return keys.length;
  }
}
