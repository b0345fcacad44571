import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { ScoringEngine } from './scoring.engine';

/**
 * What time alone changes: every SWEEP_INTERVAL_MS each account is rescored (days since the last
 * sign-in grow, renewals come closer, windows slide) and gets its daily history point; every
 * OVERRIDE_CHECK_MS the overrides past their expiry end; and the accounts whose backfill has been
 * quiet for BACKFILL_SETTLE_MS get their present state announced (checked at a tenth of that, at
 * most every 5 s). All three run once per cluster (leased), and the sweep announces
 * account.updated only for the accounts whose published state changed.
 */
@Injectable()
export class ScoringSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScoringSweep.name);

  constructor(
    private readonly engine: ScoringEngine,
    private readonly config: HealthScoringConfig,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule({
      name: 'scoring-sweep',
      everyMs: this.config.SWEEP_INTERVAL_MS,
      oncePerCluster: true,
      run: (signal) => this.sweep(signal),
    });
    this.jobs.schedule({
      name: 'override-expiry',
      everyMs: this.config.OVERRIDE_CHECK_MS,
      oncePerCluster: true,
      run: () => this.engine.expireOverrides(),
    });
    this.jobs.schedule({
      name: 'backfill-settle',
      everyMs: Math.min(5000, Math.max(100, Math.floor(this.config.BACKFILL_SETTLE_MS / 10))),
      oncePerCluster: true,
      run: () => this.engine.settleBackfills(),
    });
  }

  /** Rescores every account of every workspace (until `signal` aborts); returns how many. */
  async sweep(signal?: AbortSignal): Promise<number> {
    const started = Date.now();
    await this.engine.expireOverrides();
    let accounts = 0;
    for (const workspaceId of await this.engine.workspaces()) {
      if (signal?.aborted) break;
      accounts += await this.engine.rescoreWorkspace(workspaceId, 'sweep', { onlyChanged: true });
    }
    this.logger.log(`swept ${accounts} account(s) in ${Date.now() - started} ms`);
    return accounts;
  }
}
