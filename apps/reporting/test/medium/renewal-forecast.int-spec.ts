import { ChurnRisk } from '@tsuzuku/contracts';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { ManualClock } from '@tsuzuku/platform-runtime';
import {
  MigratedDatabase,
  createMigratedDatabase,
  testAccountData,
  testEnvelope,
} from '@tsuzuku/platform-testing';
import { reportingDatabase } from '../../src/database/reporting.database';
import { RenewalForecastRecorder } from '../../src/forecasts/renewal-forecast.recorder';
import { RenewalForecastRepository } from '../../src/forecasts/renewal-forecast.repository';
import { RenewalForecastService } from '../../src/forecasts/renewal-forecast.service';
import { ReadModelWriter } from '../../src/read-models/read-model.writer';
import { CurrencySettingsRepository } from '../../src/settings/currency-settings.repository';
import { CurrencySettingsStore } from '../../src/settings/currency-settings.store';
import { newWorkspace, readModelWriter, subscription } from './factories';

const DAY_MS = 86_400_000;

/**
 * The renewal forecast's read models, the daily recording and the outcome with their real
 * repositories on a migrated database: no HTTP, no Kafka, time from a ManualClock.
 */
describe('renewal forecast on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let writer: ReadModelWriter;
  let recorder: RenewalForecastRecorder;
  let forecasts: RenewalForecastService;
  const start = new Date('2026-07-01T06:00:00.000Z');

  beforeAll(async () => {
    database = await createMigratedDatabase('reporting_medium_forecast', reportingDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(start);
    const settings = new CurrencySettingsStore(ds, new CurrencySettingsRepository());
    writer = readModelWriter(ds);
    const repository = new RenewalForecastRepository(ds);
    // Only record() is called: the schedule is the job runner's business.
    recorder = new RenewalForecastRecorder(repository, {} as BackgroundJobs, clock);
    forecasts = new RenewalForecastService(repository, settings, clock);
  });

  afterAll(async () => {
    await database?.close();
  });

  const risk = (probability: number): ChurnRisk => ({
    probability,
    horizonDays: 90,
    modelId: 'm',
    trainedAt: '2026-06-30T00:00:00.000Z',
    cutoff: '2026-04-01',
    contributions: [],
  });
  const outlook = (ws: string, account: string, at: Date, renewalDate: string, p: number | null) => {
    const data = {
      ...testAccountData(at, { renewalDate, churnRisk: p === null ? null : risk(p) }),
      asOf: at.toISOString(),
    };
    return testEnvelope('account.updated', ws, account, data, at.toISOString());
  };

  it('keeps the latest present outlook, records a day once, and sets the forecast against what happened', async () => {
    const ws = newWorkspace();
    const now = clock.now();
    const before = new Date(now.getTime() - DAY_MS);
    await writer.apply(
      [
        subscription(ws, 'a', 'Started', '2026-01-10T00:00:00.000Z', 1000),
        subscription(ws, 'b', 'Started', '2026-01-10T00:00:00.000Z', 400),
        subscription(ws, 'c', 'Started', '2026-01-10T00:00:00.000Z', 250),
        subscription(ws, 'd', 'Started', '2026-01-10T00:00:00.000Z', 600),
      ],
      now.getTime(),
    );
    // The newer outlook of a comes first: the older one, arriving after it, changes nothing.
    await writer.apply(
      [
        outlook(ws, 'a', now, '2026-07-20', 0.25),
        outlook(ws, 'a', before, '2026-07-05', 0.9),
        outlook(ws, 'b', now, '2026-08-10', 0.6),
        outlook(ws, 'c', now, '2026-07-25', null),
        outlook(ws, 'd', now, '2026-10-15', 0.1),
      ],
      now.getTime(),
    );

    const live = await forecasts.forecast(ws, 60);
    expect(live.from).toBe('2026-07-01');
    expect(live.atRisk.map((r) => [r.accountId, r.renewalDate])).toEqual([
      ['b', '2026-08-10'],
      ['a', '2026-07-20'],
    ]);
    expect(live.expectedRenewingMrr).toBeCloseTo(0.75 * 1000 + 0.4 * 400, 9);
    expect(live.unpredicted).toEqual([{ accountId: 'c', renewalDate: '2026-07-25', mrr: 250 }]);

    expect(await recorder.record()).toContain(ws);
    expect(await recorder.record()).not.toContain(ws);

    // In the period: b cancels; a renews (and expands); c cancels.
    await writer.apply(
      [
        subscription(ws, 'b', 'Cancelled', '2026-08-10T12:00:00.000Z', null),
        subscription(ws, 'a', 'Renewed', '2026-07-20T12:00:00.000Z', 1100),
        subscription(ws, 'c', 'Cancelled', '2026-07-25T12:00:00.000Z', null),
      ],
      now.getTime(),
    );
    await expect(forecasts.outcome(ws, '2026-07-01', 60)).rejects.toMatchObject({ code: 'period_not_over' });

    clock.set(new Date('2026-09-01T00:00:00.000Z'));
    expect(await recorder.record()).toContain(ws);
    const outcome = await forecasts.outcome(ws, '2026-07-01', 60);
    expect(outcome.forecastMadeAt).toBe(start.toISOString());
    expect(outcome.predicted).toMatchObject({
      renewals: 2,
      mrr: 1400,
      renewed: 1,
      renewedMrr: 1000,
      renewedEndMrr: 1100,
      churned: 1,
      churnedMrr: 400,
    });
    expect(outcome.predicted.expectedRenewingMrr).toBeCloseTo(0.75 * 1000 + 0.4 * 400, 9);
    expect(outcome.unpredicted).toMatchObject({ renewals: 1, churned: 1, churnedMrr: 250 });
    await expect(forecasts.outcome(ws, '2026-06-30', 30)).rejects.toMatchObject({
      code: 'forecast_not_recorded',
    });
  });
});
