import fc from 'fast-check';
import { DEFAULT_BANDS, Measure, ScoringMethod } from './scorecard';
import { MeasureInput, calculateHealthScore, measurePoints } from './health-score.calculator';

const measure = (
  id: string,
  weight: number,
  method: ScoringMethod,
  direction: Measure['direction'] = 'higher_is_better',
): Measure => ({
  id,
  label: id,
  category: 'engagement',
  metric: 'sign_ins_30d',
  method,
  direction,
  weight,
});

const loginRanges: ScoringMethod = {
  kind: 'ranges',
  ranges: [
    { to: 1, points: 0 },
    { from: 1, to: 5, points: 40 },
    { from: 5, to: 20, points: 75 },
    { from: 20, points: 100 },
  ],
};

describe('measurePoints', () => {
  it.each<[string, ScoringMethod, Measure['direction'], MeasureInput, number | null]>([
    ['ranges: below the first bound', loginRanges, 'higher_is_better', { value: 0 }, 0],
    ['ranges: exactly at a lower bound (inclusive)', loginRanges, 'higher_is_better', { value: 5 }, 75],
    ['ranges: just under an upper bound (exclusive)', loginRanges, 'higher_is_better', { value: 19.99 }, 75],
    ['ranges: open-ended top', loginRanges, 'higher_is_better', { value: 1000 }, 100],
    [
      'ranges: no range holds the value',
      { kind: 'ranges', ranges: [{ from: 0, to: 1, points: 10 }] },
      'higher_is_better',
      { value: 5 },
      null,
    ],
    [
      'boolean: threshold met exactly',
      { kind: 'boolean', threshold: 3 },
      'higher_is_better',
      { value: 3 },
      100,
    ],
    [
      'boolean: lower is better, above threshold',
      { kind: 'boolean', threshold: 0 },
      'lower_is_better',
      { value: 1 },
      0,
    ],
    [
      'boolean: lower is better, at threshold',
      { kind: 'boolean', threshold: 0 },
      'lower_is_better',
      { value: 0 },
      100,
    ],
    [
      'percentile: the top of its segment',
      { kind: 'percentile' },
      'higher_is_better',
      { value: 10, peers: [1, 2, 3, 4] },
      100,
    ],
    [
      'percentile: the middle',
      { kind: 'percentile' },
      'higher_is_better',
      { value: 3, peers: [1, 3, 5] },
      50,
    ],
    [
      'percentile: lower is better flips it',
      { kind: 'percentile' },
      'lower_is_better',
      { value: 10, peers: [1, 2, 3, 4] },
      0,
    ],
    [
      'trend: unchanged scores 50',
      { kind: 'trend', days: 30, fullAt: 0.5 },
      'higher_is_better',
      { value: 10, previous: 10 },
      50,
    ],
    [
      'trend: +50 % at fullAt 0.5 scores 100',
      { kind: 'trend', days: 30, fullAt: 0.5 },
      'higher_is_better',
      { value: 15, previous: 10 },
      100,
    ],
    [
      'trend: -25 % scores 25',
      { kind: 'trend', days: 30, fullAt: 0.5 },
      'higher_is_better',
      { value: 7.5, previous: 10 },
      25,
    ],
    [
      'trend: without a previous value, no points',
      { kind: 'trend', days: 30, fullAt: 0.5 },
      'higher_is_better',
      { value: 7.5 },
      null,
    ],
    ['no data at all', loginRanges, 'higher_is_better', { value: null }, null],
  ])('%s', (_label, method, direction, input, expected) => {
    expect(measurePoints(method, direction, input)).toBe(expected);
  });
});

describe('calculateHealthScore', () => {
  const card = [measure('logins', 3, loginRanges), measure('nps', 1, { kind: 'boolean', threshold: 9 })];

  it('is the weighted mean of the points, with each measure’s share and contribution', () => {
    const result = calculateHealthScore(
      card,
      new Map([
        ['logins', { value: 25 }],
        ['nps', { value: 5 }],
      ]),
      DEFAULT_BANDS,
    );
    // logins 100 points x 3/4, nps 0 points x 1/4
    expect(result.score).toBe(75);
    expect(result.band).toBe('green');
    expect(result.coverage).toBe(1);
    expect(result.measures.map((m) => [m.measureId, m.points, m.share, m.contribution])).toEqual([
      ['logins', 100, 0.75, 75],
      ['nps', 0, 0.25, 0],
    ]);
  });

  it('leaves out a measure without data and renormalises, saying how much weight had data', () => {
    const result = calculateHealthScore(card, new Map([['logins', { value: 3 }]]), DEFAULT_BANDS);
    expect(result.score).toBe(40);
    expect(result.band).toBe('yellow');
    expect(result.coverage).toBe(0.75);
    expect(result.measures[1]).toMatchObject({ points: null, share: 0, contribution: 0 });
  });

  it('has no score and no band without any data', () => {
    expect(calculateHealthScore(card, new Map(), DEFAULT_BANDS)).toMatchObject({
      score: null,
      band: null,
      coverage: 0,
    });
  });

  it('bands at the edges: 39.9 red, 40 yellow, 69.9 yellow, 70 green', () => {
    const one = [measure('m', 1, { kind: 'ranges', ranges: [{ points: 0 }] })];
    const bandFor = (points: number) =>
      calculateHealthScore(
        [{ ...one[0]!, method: { kind: 'ranges', ranges: [{ points }] } }],
        new Map([['m', { value: 1 }]]),
        DEFAULT_BANDS,
      ).band;
    expect([bandFor(39.9), bandFor(40), bandFor(69.9), bandFor(70)]).toEqual([
      'red',
      'yellow',
      'yellow',
      'green',
    ]);
  });

  const arbitraryCard = fc.array(
    fc.record({
      weight: fc.integer({ min: 1, max: 10 }),
      points: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 12 },
  );
  // A measure whose ranges award exactly the given points for value 1.
  const build = (items: { weight: number; points: number | null }[]) => ({
    measures: items.map((item, i) =>
      measure(`m${i}`, item.weight, { kind: 'ranges', ranges: [{ points: item.points ?? 0 }] }),
    ),
    inputs: new Map(items.map((item, i) => [`m${i}`, { value: item.points === null ? null : 1 }])),
  });

  it('always scores within 0-100, and coverage within 0-1', () => {
    fc.assert(
      fc.property(arbitraryCard, (items) => {
        const { measures, inputs } = build(items);
        const result = calculateHealthScore(measures, inputs, DEFAULT_BANDS);
        return (
          (result.score === null || (result.score >= 0 && result.score <= 100)) &&
          result.coverage >= 0 &&
          result.coverage <= 1
        );
      }),
    );
  });

  it('never goes down when one measure improves', () => {
    fc.assert(
      fc.property(arbitraryCard, fc.nat(), fc.integer({ min: 1, max: 100 }), (items, pick, gain) => {
        const withData = items.map((item, i) => ({ item, i })).filter(({ item }) => item.points !== null);
        fc.pre(withData.length > 0);
        const { i } = withData[pick % withData.length]!;
        const better = items.map((item, j) =>
          j === i ? { ...item, points: Math.min(100, item.points! + gain) } : item,
        );
        const before = calculateHealthScore(build(items).measures, build(items).inputs, DEFAULT_BANDS).score!;
        const after = calculateHealthScore(
          build(better).measures,
          build(better).inputs,
          DEFAULT_BANDS,
        ).score!;
        return after >= before;
      }),
    );
  });

  it('renormalises: leaving out a measure equals a scorecard without it', () => {
    fc.assert(
      fc.property(arbitraryCard, (items) => {
        const present = items.filter((item) => item.points !== null);
        fc.pre(present.length > 0);
        const all = build(items);
        const only = build(present);
        const a = calculateHealthScore(all.measures, all.inputs, DEFAULT_BANDS);
        const b = calculateHealthScore(only.measures, only.inputs, DEFAULT_BANDS);
        const total = items.reduce((s, x) => s + x.weight, 0);
        const kept = present.reduce((s, x) => s + x.weight, 0);
        return a.score === b.score && Math.abs(a.coverage - kept / total) < 1e-9;
      }),
    );
  });
});
