import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { ScoringEngine } from './scoring.engine';

/**
 * What time alone changes: every SWEEP_INTERVAL_MS each account is rescored (days since the last
 * sign-in grow, renewals come closer, windows slide) and gets its daily history point; every
 * OVERRIDE_CHECK_MS the overrides past their expiry end; and the accounts whose backfill has been
 * quiet for BACKFILL_SETTLE_MS get their present state announced (checked at a tenth of that,
 * at most every 5 s).
 */
@Injectable()
export class ScoringSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScoringSweep.name);
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<unknown>;

  constructor(
    private readonly engine: ScoringEngine,
    private readonly config: HealthScoringConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timers = [
      setInterval(() => this.guarded('sweep', () => this.sweep()), this.config.SWEEP_INTERVAL_MS),
      setInterval(
        () => this.guarded('override expiry', () => this.engine.expireOverrides()),
        this.config.OVERRIDE_CHECK_MS,
      ),
      setInterval(
        () => this.guarded('backfill settle', () => this.engine.settleBackfills()),
        Math.min(5000, Math.max(100, Math.floor(this.config.BACKFILL_SETTLE_MS / 10))),
      ),
    ];
    for (const t of this.timers) t.unref();
  }

  /** Rescores every account of every workspace; returns how many. */
  async sweep(): Promise<number> {
    const started = Date.now();
    await this.engine.expireOverrides();
    let accounts = 0;
    for (const workspaceId of await this.engine.workspaces())
      accounts += await this.engine.rescoreWorkspace(workspaceId, 'sweep');
    this.logger.log(`swept ${accounts} account(s) in ${Date.now() - started} ms`);
    return accounts;
  }

  private guarded(what: string, work: () => Promise<unknown>): void {
    if (this.running) return;
    this.running = work()
      .catch((error: unknown) => this.logger.warn(`${what} failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.running;
  }
}
