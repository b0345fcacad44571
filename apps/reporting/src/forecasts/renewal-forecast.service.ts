import { Injectable } from '@nestjs/common';
import { Clock } from '@tsuzuku/platform-runtime';
import { CurrencySettingsStore } from '../settings/currency-settings.store';
import {
  RenewalForecast,
  RenewalOutcome,
  addDays,
  compareOutcome,
  forecastRenewals,
} from './domain/renewal-forecast';
import { RenewalForecastException } from './renewal-forecast.exception';
import { RenewalForecastRepository } from './renewal-forecast.repository';

export const DEFAULT_AT_RISK_LIMIT = 100;

export type RenewalForecastReport = RenewalForecast & { readonly currency: string };
export type RenewalOutcomeReport = RenewalOutcome & { readonly currency: string };

const today = (now: Date): string => now.toISOString().slice(0, 10);

/** The renewal forecast of the next days, and a past period's forecast against what happened. */
@Injectable()
export class RenewalForecastService {
  constructor(
    private readonly repository: RenewalForecastRepository,
    private readonly settings: CurrencySettingsStore,
    private readonly clock: Clock,
  ) {}

  /** The renewals in [today, today + days) with their expected renewing MRR; at most `limit` listed of each kind. */
  async forecast(
    workspaceId: string,
    days: number,
    limit = DEFAULT_AT_RISK_LIMIT,
  ): Promise<RenewalForecastReport> {
    const from = today(this.clock.now());
    const [settings, rows] = await Promise.all([
      this.settings.get(workspaceId),
      this.repository.renewals(workspaceId, from, addDays(from, days)),
    ]);
    const forecast = forecastRenewals(rows, from, days);
    return {
      currency: settings.currency,
      ...forecast,
      atRisk: forecast.atRisk.slice(0, limit),
      unpredicted: forecast.unpredicted.slice(0, limit),
    };
  }

  /**
   * The forecast recorded on `from` for the renewals of [from, from + days), against what
   * happened: refused while the period runs, and when no forecast was recorded that day.
   */
  async outcome(workspaceId: string, from: string, days: number): Promise<RenewalOutcomeReport> {
    const until = addDays(from, days);
    const now = today(this.clock.now());
    if (until > now)
      throw new RenewalForecastException('period_not_over', 'the period has not ended', [
        { path: 'days', message: `the period ends on ${until}, after today (${now})` },
      ]);
    const forecast = await this.repository.forecast(workspaceId, from);
    if (!forecast) {
      const near = await this.repository.recordedDays(workspaceId, addDays(from, -7), addDays(from, 7));
      throw new RenewalForecastException(
        'forecast_not_recorded',
        `no renewal forecast was recorded on ${from}`,
        [],
        { recordedNearby: near },
      );
    }
    const rows = await this.repository.forecastOutcomes(workspaceId, from, `${until}T00:00:00.000Z`);
    return { currency: forecast.currency, ...compareOutcome(rows, from, days, forecast.madeAt) };
  }
}
