import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { performance } from 'node:perf_hooks';
import { AccountProfileRepository } from './account-profile.repository';
import { BackfillService } from './backfill.service';
import { RescoringService } from './rescoring.service';

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
    private readonly rescoring: RescoringService,
    private readonly backfill: BackfillService,
    private readonly accounts: AccountProfileRepository,
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
      run: () => this.rescoring.expireOverrides(),
    });
    this.jobs.schedule({
      name: 'backfill-settle',
      everyMs: Math.min(5000, Math.max(100, Math.floor(this.config.BACKFILL_SETTLE_MS / 10))),
      oncePerCluster: true,
      run: () => this.backfill.settle(),
    });
  }

  /** Rescores every account of every workspace (until `signal` aborts); returns how many. */
  async sweep(signal?: AbortSignal): Promise<number> {
    const started = performance.now();
    await this.rescoring.expireOverrides();
    let accounts = 0;
    for (const workspaceId of await this.accounts.workspaces()) {
      if (signal?.aborted) break;
      accounts += await this.rescoring.rescoreWorkspace(workspaceId, 'sweep', { onlyChanged: true });
    }
    this.logger.log(`swept ${accounts} account(s) in ${Math.round(performance.now() - started)} ms`);
    return accounts;
  }
}
