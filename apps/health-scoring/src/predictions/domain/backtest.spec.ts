import { Measure } from '../../scorecards/domain/scorecard';
import { calculateHealthScore } from '../../scorecards/domain/health-score.calculator';
import {
  PEER_QUANTILES,
  ScoredItem,
  backtestReport,
  backtestSample,
  churnedOn,
  daysToRead,
  scoreSample,
} from './backtest';
import { AccountOutcomes } from './outcomes';

const none: AccountOutcomes = { churn: [], contraction: [], renewal: [], subscribed: [] };
const account = (accountId: string, outcomes: Partial<AccountOutcomes> = {}) => ({
  accountId,
  outcomes: { ...none, ...outcomes },
});

describe('backtestSample', () => {
  const q = { outcome: 'churn' as const, from: '2026-04-01', to: '2026-06-30', horizonDays: 30 };

  it('scores an account with the outcome horizonDays before its first outcome in the period', () => {
    const s = backtestSample(
      [
        account('a', {
          churn: ['2026-03-15', '2026-05-10', '2026-06-01'],
          subscribed: ['2026-01-01', '2026-03-20'],
        }),
      ],
      q,
    );
    expect(s.items).toEqual([{ accountId: 'a', day: '2026-04-10', outcome: true }]);
    expect(s.withOutcome).toBe(1);
  });

  it('scores the accounts without it on the days of those with it, each on one, the same every time', () => {
    const accounts = [
      account('p1', { churn: ['2026-04-11'] }),
      account('p2', { churn: ['2026-06-30'] }),
      ...Array.from({ length: 40 }, (_, i) => account(`n${i}`)),
    ];
    const s = backtestSample(accounts, q);
    const days = new Set(['2026-03-12', '2026-05-31']);
    const negatives = s.items.filter((i) => !i.outcome);
    expect(negatives).toHaveLength(40);
    expect(negatives.every((i) => days.has(i.day))).toBe(true);
    // Both days get some: the accounts are spread, not all put on one.
    expect(new Set(negatives.map((i) => i.day)).size).toBe(2);
    expect(backtestSample([...accounts].reverse(), q).items).toEqual(expect.arrayContaining(s.items));
  });

  it('leaves out an account churned on its day, and samples nobody when nobody had the outcome', () => {
    const s = backtestSample(
      [
        account('p', { contraction: ['2026-05-01'] }),
        account('gone', { churn: ['2026-02-01'], subscribed: ['2026-01-01'] }),
        account('back', { churn: ['2026-02-01'], subscribed: ['2026-01-01', '2026-03-01'] }),
      ],
      { ...q, outcome: 'contraction' },
    );
    expect(s.items.map((i) => i.accountId).sort()).toEqual(['back', 'p']);
    expect(s.notCustomers).toBe(1);
    expect(backtestSample([account('x'), account('y')], q).items).toEqual([]);
  });

  it('churnedOn: the last churn by the day, not followed by a return', () => {
    const o = { ...none, churn: ['2026-02-01', '2026-05-01'], subscribed: ['2026-01-01', '2026-03-01'] };
    expect(
      ['2026-01-15', '2026-02-01', '2026-02-28', '2026-03-01', '2026-05-02'].map((d) => churnedOn(o, d)),
    ).toEqual([false, true, true, false, true]);
  });
});

const measure = (
  id: string,
  metric: Measure['metric'],
  method: Measure['method'],
  weight: number,
): Measure => ({
  id,
  label: id,
  category: 'engagement',
  metric,
  method,
  direction: 'higher_is_better',
  weight,
});

describe('scoreSample', () => {
  const measures = [
    measure(
      'm1',
      'sign_ins_30d',
      {
        kind: 'ranges',
        ranges: [
          { to: 5, points: 0 },
          { from: 5, points: 100 },
        ],
      },
      50,
    ),
    measure('m2', 'sign_ins_7d', { kind: 'trend', days: 7, fullAt: 1 }, 30),
    measure('m3', 'latest_nps', { kind: 'percentile' }, 20),
  ];
  const bands = { red: 40, yellow: 70 };
  const values: Record<string, Record<string, Record<string, number | null>>> = {
    a: {
      '2026-05-01': { sign_ins_30d: 10, sign_ins_7d: 4, latest_nps: 9 },
      '2026-04-24': { sign_ins_7d: 2 },
    },
    b: { '2026-05-01': { sign_ins_30d: 1, sign_ins_7d: 1, latest_nps: 3 } },
    c: { '2026-05-01': { sign_ins_30d: 6, sign_ins_7d: null, latest_nps: 7 } },
  };
  const valuesOn = (a: string, d: string) => values[a]?.[d];
  const items = ['a', 'b', 'c', 'd'].map((accountId, i) => ({
    accountId,
    day: '2026-05-01',
    outcome: i % 2 === 0,
  }));

  it('scores each account with the scorecard calculation on its own values, past values and peers', () => {
    const scored = scoreSample(items, { measures, bands }, valuesOn);
    // Worked by hand through the calculator: a's trend is +100 % (4 vs 2), its NPS ranks above both peers.
    const a = calculateHealthScore(
      measures,
      new Map([
        ['m1', { value: 10 }],
        ['m2', { value: 4, previous: 2 }],
        ['m3', { value: 9, peers: [3, 7] }],
      ]),
      bands,
    );
    expect(a.score).toBe(Math.round(((100 * 50 + 100 * 30 + 100 * 20) / 100) * 10) / 10);
    expect(scored[0]).toMatchObject({ score: a.score, band: a.band });
    // b: no past value, so no trend; NPS 3 below both peers: 0 points from m1 and m3.
    expect(scored[1]).toMatchObject({ score: 0, band: 'red' });
    // c: m1 100 points, no trend value, NPS 7 between 3 and 9: percentile 50.
    expect(scored[2]).toMatchObject({ score: Math.round(((100 * 50 + 50 * 20) / 70) * 10) / 10 });
    // d has no values on its day: unscored.
    expect(scored[3]).toMatchObject({ score: null, band: null });
  });

  it('reads each day and each trend day once per account', () => {
    expect(daysToRead(items.slice(0, 1), measures)).toEqual([
      { accountId: 'a', day: '2026-05-01' },
      { accountId: 'a', day: '2026-04-24' },
    ]);
  });

  it('ranks among quantiles of a large sample, within 1/200 of the exact percentile', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ accountId: `x${i}`, day: 'd', outcome: false }));
    const card = { measures: [measure('p', 'latest_nps', { kind: 'percentile' }, 1)], bands };
    const scored = scoreSample(many, card, (a) => ({ latest_nps: Number(a.slice(1)) }));
    expect(PEER_QUANTILES).toBeLessThan(many.length);
    for (const [i, s] of scored.entries()) {
      const exact = (100 * i) / 999;
      expect(Math.abs(s.score! - exact)).toBeLessThanOrEqual(100 / 200 + 0.1);
    }
  });
});

describe('backtestReport', () => {
  // A hand-made set: scores, bands (red < 40, yellow < 70) and outcomes.
  const raw: [number | null, boolean][] = [
    [10, true],
    [25, true],
    [35, false],
    [50, true],
    [50, false],
    [65, false],
    [80, false],
    [90, true],
    [95, false],
    [null, true],
  ];
  const items: ScoredItem[] = raw.map(([score, outcome], i) => ({
    accountId: `a${i}`,
    day: '2026-01-01',
    outcome,
    score,
    band: score === null ? null : score < 40 ? 'red' : score < 70 ? 'yellow' : 'green',
  }));

  it('answers AUC, band rates, precision and recall of red as counted independently', () => {
    const r = backtestReport(items, 'churn');
    const scored = items.filter((i) => i.score !== null);
    // AUC: over every (with, without) pair, 1 when the one with the outcome scored lower, ½ on a tie.
    let wins = 0;
    let pairs = 0;
    for (const p of scored.filter((i) => i.outcome))
      for (const n of scored.filter((i) => !i.outcome)) {
        pairs += 1;
        wins += p.score! < n.score! ? 1 : p.score === n.score ? 0.5 : 0;
      }
    expect(r.auc).toBeCloseTo(wins / pairs, 12);
    // Red: 10, 25 (both churned) and 35 (did not); 50 and 90 churned unflagged.
    expect(r.red).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 2, trueNegatives: 4 });
    expect(r.red.precision).toBeCloseTo(2 / 3, 12);
    expect(r.red.recall).toBeCloseTo(2 / 4, 12);
    expect(r.byBand.map((b) => [b.group, b.count, b.outcomes])).toEqual([
      ['red', 3, 2],
      ['yellow', 3, 1],
      ['green', 3, 1],
    ]);
    expect(r.counts).toEqual({ scored: 9, scoredWithOutcome: 4, unscored: 1 });
    expect(r.calibration.reduce((n, row) => n + row.count, 0)).toBe(9);
    expect(r.calibration[0]).toMatchObject({ decile: 1, minRisk: 10, outcomeRate: 1 });
  });

  it('reads a high score as the sign of a renewal, and red as the warning of none', () => {
    const r = backtestReport(items, 'renewal');
    const churn = backtestReport(items, 'churn');
    expect(r.auc).toBeCloseTo(1 - churn.auc!, 12);
    // Red and not renewed: only 35; red and renewed: 10 and 25.
    expect(r.red).toMatchObject({ truePositives: 1, falsePositives: 2 });
  });
});
