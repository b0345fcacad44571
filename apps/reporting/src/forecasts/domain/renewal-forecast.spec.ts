import { ChurnRisk } from '@tsuzuku/contracts';
import { testAccountUpdated } from '@tsuzuku/platform-testing';
import {
  RenewalInput,
  addDays,
  compareOutcome,
  forecastRenewals,
  outlookOf,
  riskDrivers,
} from './renewal-forecast';

const M = 1_000_000;
const risk = (probability: number, horizonDays = 90): ChurnRisk => ({
  probability,
  horizonDays,
  modelId: 'm1',
  trainedAt: '2026-09-01T00:00:00.000Z',
  cutoff: '2026-06-01',
  contributions: [
    { feature: 'nps', label: 'Latest NPS answer', value: 9, contribution: -0.5 },
    { feature: 'sign_in', label: 'Days since the last sign-in', value: 40, contribution: 0.9 },
    { feature: 'p1', label: 'Open P1 tickets', value: 2, contribution: 0.2 },
    { feature: 'seats', label: 'Seats active', value: 0.1, contribution: 0.7 },
    { feature: 'mrr', label: 'MRR change', value: -10, contribution: 0.05 },
  ],
});
const row = (accountId: string, renewalDate: string, mrr: number, p: number | null): RenewalInput => ({
  accountId,
  renewalDate,
  mrrMicros: mrr * M,
  predictedAt: '2026-10-01T08:00:00.000Z',
  churnRisk: p === null ? null : risk(p),
});

const FROM = '2026-10-01';
/** A hand-built book: renewals inside and outside 90 days, with and without a prediction. */
const BOOK: RenewalInput[] = [
  row('a', '2026-10-01', 1000, 0.1), // first day: in
  row('b', '2026-11-15', 250, 0.8),
  row('c', '2026-12-29', 400, 0.35), // last day of 90: in
  row('d', '2026-12-30', 900, 0.5), // day 91: out
  row('e', '2026-09-30', 300, 0.2), // the day before: out
  row('f', '2026-10-20', 600, null), // no prediction: apart
  row('g', '2026-11-01', 0, 0.9), // no MRR: nothing to renew
  row('h', '2026-12-01', 120, 0.8),
];

describe('forecastRenewals', () => {
  it('expects Σ (1 − p) × MRR over the predicted renewals of the period, the others apart', () => {
    // Independently: the predicted renewals in [2026-10-01, 2026-12-30) with MRR are a, b, c, h.
    const expected = 0.9 * 1000 + 0.2 * 250 + 0.65 * 400 + 0.2 * 120;
    const f = forecastRenewals(BOOK, FROM, 90);
    expect(f.until).toBe('2026-12-30');
    expect(f.expectedRenewingMrr).toBeCloseTo(expected, 9);
    expect(f.expectedChurningMrr).toBeCloseTo(1000 + 250 + 400 + 120 - expected, 9);
    expect([f.predictedRenewals, f.predictedMrr]).toEqual([4, 1770]);
    expect([f.unpredictedRenewals, f.unpredictedMrr, f.unpredicted]).toEqual([
      1,
      600,
      [{ accountId: 'f', renewalDate: '2026-10-20', mrr: 600 }],
    ]);
    expect([f.renewals, f.renewingMrr]).toEqual([5, 2370]);
  });

  it('lists the at-risk renewals most at risk first (bigger MRR first at equal risk), with what raises the risk', () => {
    const f = forecastRenewals(BOOK, FROM, 90);
    expect(f.atRisk.map((r) => [r.accountId, r.churnProbability])).toEqual([
      ['b', 0.8],
      ['h', 0.8],
      ['c', 0.35],
      ['a', 0.1],
    ]);
    expect(f.atRisk[0]!.topContributions.map((c) => c.feature)).toEqual(['sign_in', 'seats', 'p1']);
    expect(f.atRisk[0]!.expectedMrr).toBeCloseTo(50, 9);
  });

  it('flags the renewals after the horizon of their prediction', () => {
    const f = forecastRenewals(BOOK, FROM, 90);
    // Predicted on 2026-10-01 08:00 with a 90-day horizon: it ends 2026-12-30 08:00.
    expect(f.atRisk.filter((r) => r.beyondHorizon)).toEqual([]);
    const short = forecastRenewals(
      BOOK.map((r) => ({ ...r, churnRisk: r.churnRisk && { ...r.churnRisk, horizonDays: 30 } })),
      FROM,
      90,
    );
    expect(
      short.atRisk
        .filter((r) => r.beyondHorizon)
        .map((r) => r.accountId)
        .sort(),
    ).toEqual(['b', 'c', 'h']);
    expect(short.beyondHorizonRenewals).toBe(3);
  });

  it('matches an independent sum over random books', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 50; n++) {
      const book = Array.from({ length: 30 }, (_, i) =>
        row(
          `x${i}`,
          addDays(FROM, Math.floor(rand() * 200) - 20),
          Math.floor(rand() * 5000),
          rand() < 0.2 ? null : rand(),
        ),
      );
      const days = 1 + Math.floor(rand() * 180);
      const until = addDays(FROM, days);
      let expected = 0;
      for (const r of book)
        if (r.renewalDate >= FROM && r.renewalDate < until && r.mrrMicros > 0 && r.churnRisk)
          expected += (1 - r.churnRisk.probability) * (r.mrrMicros / M);
      expect(forecastRenewals(book, FROM, days).expectedRenewingMrr).toBeCloseTo(expected, 6);
    }
  });
});

describe('compareOutcome', () => {
  it('sets the forecast made at the start against the MRR that renewed and churned', () => {
    const ends: Record<string, number> = { a: 1100, b: 0, c: 400, f: 0, h: 120 };
    const rows = BOOK.map((r) => ({ ...r, endMrrMicros: (ends[r.accountId] ?? 0) * M }));
    const o = compareOutcome(rows, FROM, 90, '2026-10-01T00:05:00.000Z');
    expect(o.predicted).toMatchObject({
      renewals: 4,
      mrr: 1770,
      renewed: 3,
      renewedMrr: 1000 + 400 + 120,
      churned: 1,
      churnedMrr: 250,
      renewedEndMrr: 1100 + 400 + 120,
    });
    expect(o.predicted.expectedRenewingMrr).toBeCloseTo(0.9 * 1000 + 0.2 * 250 + 0.65 * 400 + 0.2 * 120, 9);
    expect(o.unpredicted).toMatchObject({
      renewals: 1,
      churned: 1,
      churnedMrr: 600,
      expectedRenewingMrr: null,
    });
    expect(o.error).toBeCloseTo(1520 - o.predicted.expectedRenewingMrr!, 9);
    expect(o.accounts.map((a) => [a.accountId, a.outcome])).toEqual([
      ['a', 'renewed'],
      ['f', 'churned'],
      ['b', 'churned'],
      ['h', 'renewed'],
      ['c', 'renewed'],
    ]);
  });
});

describe('outlookOf and riskDrivers', () => {
  it('keeps the present of an account.updated and ignores a backfilled past', () => {
    const e = testAccountUpdated('ws', 'acct', { renewalDate: '2027-01-31', churnRisk: risk(0.4) });
    expect(outlookOf(e)).toMatchObject({
      accountId: 'acct',
      renewalDate: '2027-01-31',
      churnRisk: { probability: 0.4 },
    });
    expect(outlookOf({ ...e, data: { ...e.data, backfill: true } })).toBeUndefined();
    const old = testAccountUpdated('ws', 'acct', { renewalDate: '2027-01-31T12:00:00Z' });
    expect(outlookOf(old)).toMatchObject({ renewalDate: '2027-01-31', churnRisk: null });
  });

  it('explains by the three biggest contributions that raise the risk', () => {
    expect(riskDrivers(risk(0.5).contributions).map((c) => c.contribution)).toEqual([0.9, 0.7, 0.2]);
  });
});
