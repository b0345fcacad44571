import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { monthDate, monthOf, monthStart } from '../kpis/domain/month';
import { Clock } from '@tsuzuku/platform-runtime';
import { MrrDeriver } from './mrr.deriver';
import { MrrRepository } from './mrr.repository';
import { groupBy } from './domain/group-by';

const CHECK_MS = 15 * 60_000;
const BATCH = 500;

/**
 * Account months are derived up to the current month. When a month begins, the accounts that
 * still have MRR (or had some in the last twelve months, for GRR12 and NRR12) get their rows for
 * it: derived again, like after an event. Checked at start and every 15 minutes, once per
 * cluster (leased).
 */
@Injectable()
export class HorizonKeeper implements OnApplicationBootstrap {
  private readonly logger = new Logger(HorizonKeeper.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deriver: MrrDeriver,
    private readonly jobs: BackgroundJobs,
    private readonly mrr: MrrRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule({
      name: 'horizon-keeper',
      everyMs: CHECK_MS,
      oncePerCluster: true,
      runAtStart: true,
      run: (signal) => this.extend(this.clock.now().getTime(), signal),
    });
  }

  /** Derives the accounts behind the current month again; answers how many. */
  async extend(now = this.clock.now().getTime(), signal?: AbortSignal): Promise<number> {
    const current = monthOf(now);
    let done = 0;
    while (!signal?.aborted) {
      const stale = await this.mrr.behindHorizon(
        monthDate(current),
        new Date(monthStart(current - 12)).toISOString(),
        BATCH,
      );
      if (stale.length === 0) return done;
      for (const [ws, rows] of groupBy(stale, (s) => s.workspace_id))
        await this.dataSource.transaction((m) =>
          this.deriver.derive(
            m,
            ws,
            rows.map((r) => r.account_id),
            now,
          ),
        );
      done += stale.length;
      if (done > 0 && done % 10_000 === 0)
        this.logger.log(`extended ${done} accounts to ${monthDate(current)}`);
    }
    return done;
  }
}
