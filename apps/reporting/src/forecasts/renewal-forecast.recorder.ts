import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { DEFAULT_CURRENCY_SETTINGS } from '../kpis/domain/currency';
import { MAX_FORECAST_DAYS, addDays } from './domain/renewal-forecast';
import { RenewalForecastRepository } from './renewal-forecast.repository';

const CHECK_MS = 15 * 60_000;

/**
 * Records each workspace's renewal forecast once a UTC day (the renewals of the next 365 days,
 * their MRR and their predictions as they stand), so that a past period's forecast can be set
 * against what happened. Checked at start and every 15 minutes, once per cluster (leased); a
 * day's forecast is written once whatever runs (the insert skips a day already recorded).
 */
@Injectable()
export class RenewalForecastRecorder implements OnApplicationBootstrap {
  private readonly logger = new Logger(RenewalForecastRecorder.name);

  constructor(
    private readonly repository: RenewalForecastRepository,
    private readonly jobs: BackgroundJobs,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule({
      name: 'renewal-forecast-recorder',
      everyMs: CHECK_MS,
      oncePerCluster: true,
      runAtStart: true,
      run: () => this.record().then(() => undefined),
    });
  }

  /** Records today's forecast of the workspaces that have none; answers them. */
  async record(now = this.clock.now()): Promise<string[]> {
    const day = now.toISOString().slice(0, 10);
    const recorded = await this.repository.recordForecasts(
      day,
      addDays(day, MAX_FORECAST_DAYS),
      now,
      DEFAULT_CURRENCY_SETTINGS.currency,
    );
    if (recorded.length > 0)
      this.logger.log(`recorded the renewal forecast of ${recorded.length} workspace(s) for ${day}`);
    return recorded;
  }
}
