import { randomUUID } from 'node:crypto';
import { ChurnRisk } from '@tsuzuku/contracts';
import {
  freePort,
  testAccountUpdated,
  testCustomerEvent,
  useServiceUnderTest,
  waitFor,
} from '@tsuzuku/platform-testing';
import { RenewalForecastRecorder } from '../src/forecasts/renewal-forecast.recorder';
import { READ_MODELS_GROUP } from '../src/read-models/consumer-groups';
import { reportingService } from '../src/service';
import { reportingGrpcClient } from './reporting-grpc';

const DAY_MS = 86_400_000;

interface Book {
  readonly id: string;
  /** Days from today (UTC) to the renewal; null: no renewal date. */
  readonly renewsIn: number | null;
  /** MRR of its subscription; 0: no subscription at all. */
  readonly mrr: number;
  /** Churn probability; null: no prediction; undefined: a message from before predictions. */
  readonly p: number | null | undefined;
}

/** Parses the CSV toCsv writes (no quoted commas in these figures but the contributions, quoted). */
function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trim().split('\r\n');
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        out.push(cur);
        cur = '';
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i], v])));
}

/**
 * The renewal forecast through Kafka and the three APIs: subscriptions on cs.events.v1 and the
 * churn model's predictions on cs.accounts.v1, the expected renewing MRR checked against a sum
 * worked out here, the same over REST, CSV and gRPC; then a forecast recorded at the start of a
 * past period against the cancellations that came in it.
 */
describe('renewal forecast: REST, CSV and gRPC', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const day = (offset: number) => new Date(today + offset * DAY_MS).toISOString().slice(0, 10);
  let grpcPort = 0;

  const risk = (probability: number): ChurnRisk => ({
    probability,
    horizonDays: 60,
    modelId: 'model-3',
    trainedAt: new Date(today - DAY_MS).toISOString(),
    cutoff: day(-61),
    contributions: [
      { feature: 'latest_nps', label: 'Latest NPS answer', value: 9, contribution: -0.4 },
      {
        feature: 'days_since_last_sign_in',
        label: 'Days since the last sign-in',
        value: 33,
        contribution: 0.8,
      },
      { feature: 'open_p1_tickets', label: 'Open P1 tickets', value: 1, contribution: 0.3 },
    ],
  });
  // Before the suite's service starts (hooks run in the order they are declared).
  beforeAll(async () => {
    grpcPort = await freePort();
  });
  const suite = useServiceUnderTest(
    reportingService,
    () => ({
      label: 'reporting_renewal_forecast',
      workspaceId,
      env: { GRPC_PORT: String(grpcPort) },
      joins: READ_MODELS_GROUP,
    }),
    90_000,
  );

  const subscribe = (id: string, mrr: number, at: number) =>
    testCustomerEvent(workspaceId, id, new Date(at).toISOString(), {
      event: 'Subscription Started',
      properties: { subscription_id: `sub_${id}`, mrr, currency: 'USD' },
    });
  const cancel = (id: string, at: number) =>
    testCustomerEvent(workspaceId, id, new Date(at).toISOString(), {
      event: 'Subscription Cancelled',
      properties: { subscription_id: `sub_${id}`, currency: 'USD' },
    });
  const outlook = (b: Book) =>
    testAccountUpdated(workspaceId, b.id, {
      renewalDate: b.renewsIn === null ? null : day(b.renewsIn),
      ...(b.p === undefined ? {} : { churnRisk: b.p === null ? null : risk(b.p) }),
    });
  /** Publishes the book and waits until the read models hold every account's outlook and MRR. */
  async function publishBook(book: readonly Book[]) {
    await suite.publisher.publish(
      book.filter((b) => b.mrr > 0).map((b) => subscribe(b.id, b.mrr, today - 200 * DAY_MS)),
    );
    await suite.publisher.publish(book.map(outlook));
    await waitFor(
      async () => {
        const [row] = await suite.db.query<{ outlooks: number; paying: number }>(
          `SELECT (SELECT count(*)::int FROM reporting.account_outlook WHERE workspace_id = $1 AND account_id = ANY($2)) AS outlooks,
                  (SELECT count(*)::int FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2) AND current_mrr > 0) AS paying`,
          [workspaceId, book.map((b) => b.id)],
        );
        return (
          (row!.outlooks === book.length && row!.paying === book.filter((b) => b.mrr > 0).length) || undefined
        );
      },
      { what: 'the outlooks and MRR of the book' },
    );
  }
  const get = async (path: string, accept = 'application/json') => {
    const response = await fetch(`${suite.service.url}${path}`, {
      headers: { authorization: `Bearer ${suite.token}`, accept },
    });
    return { status: response.status, text: await response.text() };
  };

  it('expects Σ (1 − p) × MRR over the renewals of the next 90 days, the same over REST, CSV and gRPC', async () => {
    const book: Book[] = [
      { id: 'acct-f1', renewsIn: 0, mrr: 1000, p: 0.1 },
      { id: 'acct-f2', renewsIn: 30, mrr: 250, p: 0.85 },
      { id: 'acct-f3', renewsIn: 89, mrr: 400, p: 0.35 }, // the last day of the 90
      { id: 'acct-f4', renewsIn: 90, mrr: 900, p: 0.5 }, // the day after: out
      { id: 'acct-f5', renewsIn: 45, mrr: 600, p: null }, // no model: apart
      { id: 'acct-f6', renewsIn: 50, mrr: 300, p: undefined }, // an old message: apart
      { id: 'acct-f7', renewsIn: 20, mrr: 0, p: 0.9 }, // nothing to renew
      { id: 'acct-f8', renewsIn: null, mrr: 700, p: 0.6 }, // no renewal date
      { id: 'acct-f9', renewsIn: 75, mrr: 120, p: 0.85 }, // after the 60-day horizon
      { id: 'acct-f10', renewsIn: -3, mrr: 500, p: 0.2 }, // passed
    ];
    await publishBook(book);
    // A past (backfill) prediction of f1, older than its present, changes nothing.
    const past = outlook({ id: 'acct-f1', renewsIn: 10, mrr: 1000, p: 0.99 });
    await suite.publisher.publish([
      { ...past, data: { ...past.data, backfill: true, asOf: new Date(today - 30 * DAY_MS).toISOString() } },
    ]);

    // Worked out here from the book: the predicted renewals in [today, today + 90) with MRR.
    const inPeriod = book.filter(
      (b) => b.renewsIn !== null && b.renewsIn >= 0 && b.renewsIn < 90 && b.mrr > 0,
    );
    const predicted = inPeriod.filter((b) => typeof b.p === 'number');
    const expected = predicted.reduce((s, b) => s + (1 - b.p!) * b.mrr, 0);
    const unpredicted = inPeriod.filter((b) => typeof b.p !== 'number');

    type Forecast = {
      currency: string;
      renewals: number;
      expectedRenewingMrr: number;
      expectedChurningMrr: number;
      predictedRenewals: number;
      unpredictedRenewals: number;
      unpredictedMrr: number;
      beyondHorizonRenewals: number;
      atRisk: {
        accountId: string;
        churnProbability: number;
        expectedMrr: number;
        beyondHorizon: boolean;
        topContributions: { feature: string }[];
      }[];
      unpredicted: { accountId: string; mrr: number }[];
    };
    const json = await waitFor(
      async () => {
        const r = await get('/v1/reports/renewal-forecast?days=90');
        const body = JSON.parse(r.text) as Forecast;
        // The marker of the backfill message: it came after the book; wait until it was read.
        const claimed = await suite.db.query(`SELECT 1 FROM reporting.inbox WHERE event_id = $1`, [past.id]);
        return claimed.length === 1 ? body : undefined;
      },
      { what: 'the forecast after the backfill message' },
    );
    expect(json.expectedRenewingMrr).toBeCloseTo(expected, 6);
    expect(json.expectedChurningMrr).toBeCloseTo(
      predicted.reduce((s, b) => s + b.p! * b.mrr, 0),
      6,
    );
    expect([json.renewals, json.predictedRenewals, json.unpredictedRenewals]).toEqual([
      inPeriod.length,
      predicted.length,
      unpredicted.length,
    ]);
    expect(json.unpredictedMrr).toBe(unpredicted.reduce((s, b) => s + b.mrr, 0));
    expect(json.unpredicted.map((u) => u.accountId).sort()).toEqual(unpredicted.map((b) => b.id).sort());
    // Most at risk first (f2 before f9 at equal risk: more MRR), with what raises the risk.
    expect(json.atRisk.map((r) => r.accountId)).toEqual(['acct-f2', 'acct-f9', 'acct-f3', 'acct-f1']);
    expect(json.atRisk[0]!.topContributions.map((c) => c.feature)).toEqual([
      'days_since_last_sign_in',
      'open_p1_tickets',
    ]);
    expect(
      json.atRisk
        .filter((r) => r.beyondHorizon)
        .map((r) => r.accountId)
        .sort(),
    ).toEqual(['acct-f3', 'acct-f9']);
    expect(json.beyondHorizonRenewals).toBe(2);

    const csv = await get('/v1/reports/renewal-forecast?days=90', 'text/csv');
    expect(csv.status).toBe(200);
    const lines = parseCsv(csv.text);
    expect(lines.map((l) => l['accountId'])).toEqual([
      ...json.atRisk.map((r) => r.accountId),
      ...json.unpredicted.map((u) => u.accountId),
    ]);
    const csvExpected = lines
      .filter((l) => l['predicted'] === 'true')
      .reduce((s, l) => s + Number(l['expectedMrr']), 0);
    expect(csvExpected).toBeCloseTo(json.expectedRenewingMrr, 6);

    const { call, close } = reportingGrpcClient(grpcPort, suite.token);
    try {
      const viaGrpc = await call<Forecast>('GetRenewalForecast', { days: 90 });
      expect(viaGrpc.expectedRenewingMrr).toBe(json.expectedRenewingMrr);
      expect(viaGrpc.expectedChurningMrr).toBe(json.expectedChurningMrr);
      expect([
        viaGrpc.renewals,
        viaGrpc.predictedRenewals,
        viaGrpc.unpredictedRenewals,
        viaGrpc.unpredictedMrr,
      ]).toEqual([json.renewals, json.predictedRenewals, json.unpredictedRenewals, json.unpredictedMrr]);
      expect(viaGrpc.atRisk.map((r) => [r.accountId, r.expectedMrr])).toEqual(
        json.atRisk.map((r) => [r.accountId, r.expectedMrr]),
      );
      // The same validation and guard as REST.
      await expect(call('GetRenewalForecast', { days: 0 })).rejects.toMatchObject({ code: 3 });
    } finally {
      close();
    }
    const bad = await get('/v1/reports/renewal-forecast?days=400&limit=x');
    expect(bad.status).toBe(400);
    expect(
      [...new Set((JSON.parse(bad.text) as { errors: { path: string }[] }).errors.map((e) => e.path))].sort(),
    ).toEqual(['days', 'limit']);
    expect((await fetch(`${suite.service.url}/v1/reports/renewal-forecast?days=90`)).status).toBe(401);
  });

  it('sets a past period’s forecast, recorded on its first day, against what renewed and churned', async () => {
    // The period [today − 40, today − 10): the forecast recorded on its first day.
    const book: Book[] = [
      { id: 'acct-p1', renewsIn: -35, mrr: 800, p: 0.2 }, // renews
      { id: 'acct-p2', renewsIn: -30, mrr: 300, p: 0.7 }, // churns in the period
      { id: 'acct-p3', renewsIn: -20, mrr: 500, p: 0.4 }, // renews
      { id: 'acct-p4', renewsIn: -15, mrr: 200, p: null }, // churns, no prediction
      { id: 'acct-p5', renewsIn: -5, mrr: 900, p: 0.9 }, // after the period
    ];
    await publishBook(book);
    const from = day(-40);
    const madeAt = new Date(today - 40 * DAY_MS + 3_600_000);
    const recorder = suite.service.app.get(RenewalForecastRecorder);
    expect(await recorder.record(madeAt)).toContain(workspaceId);
    expect(await recorder.record(madeAt)).toEqual([]);

    const churned = ['acct-p2', 'acct-p4'];
    await suite.publisher.publish([
      cancel('acct-p2', today - 28 * DAY_MS),
      cancel('acct-p4', today - 14 * DAY_MS),
    ]);
    await waitFor(
      async () =>
        (
          await suite.db.query(
            `SELECT 1 FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2) AND current_mrr = 0`,
            [workspaceId, churned],
          )
        ).length === 2 || undefined,
      { what: 'the cancellations in the ledger' },
    );

    const inPeriod = book.filter((b) => b.renewsIn! >= -40 && b.renewsIn! < -10);
    const predicted = inPeriod.filter((b) => b.p !== null);
    const expected = predicted.reduce((s, b) => s + (1 - b.p!) * b.mrr, 0);
    const renewedMrr = predicted.filter((b) => !churned.includes(b.id)).reduce((s, b) => s + b.mrr, 0);
    const churnedMrr = predicted.filter((b) => churned.includes(b.id)).reduce((s, b) => s + b.mrr, 0);

    type Outcome = {
      forecastMadeAt: string;
      predicted: {
        renewals: number;
        expectedRenewingMrr: number;
        renewedMrr: number;
        churnedMrr: number;
        renewed: number;
        churned: number;
      };
      unpredicted: { renewals: number; churnedMrr: number; renewedMrr: number };
      error: number;
      accounts: { accountId: string; outcome: string; mrr: number }[];
    };
    const path = `/v1/reports/renewal-forecast/outcome?from=${from}&days=30`;
    const r = await get(path);
    expect(r.status).toBe(200);
    const json = JSON.parse(r.text) as Outcome;
    // Other tests' accounts of the workspace renew outside this period.
    expect(json.forecastMadeAt).toBe(madeAt.toISOString());
    expect(json.predicted.expectedRenewingMrr).toBeCloseTo(expected, 6);
    expect(json.predicted).toMatchObject({
      renewals: predicted.length,
      renewedMrr,
      churnedMrr,
      renewed: 2,
      churned: 1,
    });
    expect(json.unpredicted).toMatchObject({ renewals: 1, churnedMrr: 200, renewedMrr: 0 });
    expect(json.error).toBeCloseTo(renewedMrr - expected, 6);
    expect(json.accounts.map((a) => [a.accountId, a.outcome])).toEqual([
      ['acct-p1', 'renewed'],
      ['acct-p2', 'churned'],
      ['acct-p3', 'renewed'],
      ['acct-p4', 'churned'],
    ]);

    const csv = parseCsv((await get(path, 'text/csv')).text);
    expect(csv.map((l) => [l['accountId'], l['outcome'], Number(l['mrr'])])).toEqual(
      json.accounts.map((a) => [a.accountId, a.outcome, a.mrr]),
    );
    const { call, close } = reportingGrpcClient(grpcPort, suite.token);
    try {
      const viaGrpc = await call<Outcome>('GetRenewalForecastOutcome', { from, days: 30 });
      expect(viaGrpc.predicted).toMatchObject(json.predicted);
      expect(viaGrpc.error).toBe(json.error);
      expect(viaGrpc.accounts.map((a) => [a.accountId, a.outcome, a.mrr])).toEqual(
        json.accounts.map((a) => [a.accountId, a.outcome, a.mrr]),
      );
      await expect(call('GetRenewalForecastOutcome', { from: day(-5), days: 30 })).rejects.toMatchObject({
        code: 3,
      });
    } finally {
      close();
    }
    // A period that has not ended, and a day with no forecast recorded.
    const running = await get(`/v1/reports/renewal-forecast/outcome?from=${day(-5)}&days=30`);
    expect(running.status).toBe(400);
    expect(JSON.parse(running.text)).toMatchObject({ error: 'period_not_over', errors: [{ path: 'days' }] });
    const future = await get(`/v1/reports/renewal-forecast/outcome?from=9999-12-31&days=90`);
    expect(future.status).toBe(400);
    expect(JSON.parse(future.text)).toMatchObject({ errors: [{ path: 'from' }] });
    const none = await get(`/v1/reports/renewal-forecast/outcome?from=${day(-60)}&days=30`);
    expect(none.status).toBe(404);
    expect(JSON.parse(none.text)).toMatchObject({ error: 'forecast_not_recorded' });
  });
});
