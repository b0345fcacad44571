import { toCsv } from '../reports/csv';
import type { RenewalForecast, RenewalOutcome } from './domain/renewal-forecast';

/** The forecast as CSV: one line per renewal of the period, predicted ones first (most at risk first). */
export function renewalForecastCsv(f: RenewalForecast): string {
  return toCsv(
    [
      'accountId',
      'renewalDate',
      'mrr',
      'predicted',
      'churnProbability',
      'renewProbability',
      'expectedMrr',
      'horizonDays',
      'modelId',
      'beyondHorizon',
      'topContributions',
    ],
    [
      ...f.atRisk.map((r) => ({
        ...r,
        predicted: true,
        topContributions: r.topContributions
          .map((c) => `${c.label || c.feature} (+${c.contribution})`)
          .join('; '),
      })),
      ...f.unpredicted.map((r) => ({ ...r, predicted: false })),
    ],
  );
}

/** A past period as CSV: one line per renewal of its forecast, with what became of it. */
export function renewalOutcomeCsv(o: RenewalOutcome): string {
  return toCsv(
    ['accountId', 'renewalDate', 'mrr', 'churnProbability', 'expectedMrr', 'outcome', 'endMrr'],
    o.accounts as unknown as Record<string, unknown>[],
  );
}
