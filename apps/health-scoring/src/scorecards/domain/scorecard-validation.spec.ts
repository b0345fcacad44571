import { DEFAULT_BANDS, Measure, Range, ScoringMethod } from './scorecard';
import { ScorecardDefinition, ScorecardProblem, validateScorecard } from './scorecard-validation';
import { defaultMeasures } from './default-scorecard';

const measure = (overrides: Record<string, unknown> = {}): Measure =>
  ({
    id: 'logins',
    label: 'Logins',
    category: 'engagement',
    metric: 'sign_ins_30d',
    method: {
      kind: 'ranges',
      ranges: [
        { to: 5, points: 20 },
        { from: 5, points: 100 },
      ],
    },
    direction: 'higher_is_better',
    weight: 1,
    ...overrides,
  }) as Measure;

const ranges = (...list: Range[]): ScoringMethod => ({ kind: 'ranges', ranges: list });
const card = (measures: unknown[], bands: unknown = DEFAULT_BANDS): ScorecardDefinition =>
  ({ measures, bands }) as ScorecardDefinition;
const paths = (problems: ScorecardProblem[]) => problems.map((p) => p.path);

describe('validateScorecard', () => {
  it('accepts a valid scorecard, and the default one', () => {
    expect(validateScorecard(card([measure()]))).toEqual([]);
    expect(validateScorecard(card(defaultMeasures()))).toEqual([]);
  });

  it.each<[string, ScorecardDefinition, string[]]>([
    ['no measure', card([]), ['measures']],
    ['measures not a list', card(undefined as unknown as unknown[]), ['measures']],
    ['a measure that is not an object', card([measure(), null]), ['measures[1]']],
    [
      'duplicate measure ids',
      card([measure(), measure({ metric: 'sign_ins_7d' }), measure()]),
      ['measures[1].id', 'measures[2].id'],
    ],
    ['empty id', card([measure({ id: '' })]), ['measures[0].id']],
    ['weight 0', card([measure({ weight: 0 })]), ['measures[0].weight']],
    ['negative weight', card([measure({ weight: -1 })]), ['measures[0].weight']],
    ['weight not finite', card([measure({ weight: Number.POSITIVE_INFINITY })]), ['measures[0].weight']],
    ['unknown metric', card([measure({ metric: 'logins' })]), ['measures[0].metric']],
    ['unknown category', card([measure({ category: 'happiness' })]), ['measures[0].category']],
    ['unknown direction', card([measure({ direction: 'up' })]), ['measures[0].direction']],
    ['no method', card([measure({ method: undefined })]), ['measures[0].method']],
    ['unknown method kind', card([measure({ method: { kind: 'magic' } })]), ['measures[0].method.kind']],
    ['no ranges', card([measure({ method: ranges() })]), ['measures[0].method.ranges']],
    [
      'points above 100',
      card([measure({ method: ranges({ to: 1, points: 0 }, { from: 1, points: 101 }) })]),
      ['measures[0].method.ranges[1].points'],
    ],
    [
      'negative points',
      card([measure({ method: ranges({ points: -5 }) })]),
      ['measures[0].method.ranges[0].points'],
    ],
    [
      'from not below to',
      card([measure({ method: ranges({ from: 5, to: 5, points: 10 }) })]),
      ['measures[0].method.ranges[0].to'],
    ],
    [
      'overlapping ranges',
      card([measure({ method: ranges({ to: 10, points: 0 }, { from: 5, points: 100 }) })]),
      ['measures[0].method.ranges[1].from'],
    ],
    [
      'ranges out of order',
      card([
        measure({
          method: ranges({ from: 10, to: 20, points: 100 }, { from: 0, to: 10, points: 0 }),
        }),
      ]),
      ['measures[0].method.ranges[1].from'],
    ],
    [
      'a range open below after the first',
      card([measure({ method: ranges({ to: 1, points: 0 }, { to: 5, points: 100 }) })]),
      ['measures[0].method.ranges[1].from'],
    ],
    [
      'a range open above before the last',
      card([measure({ method: ranges({ from: 0, points: 0 }, { from: 5, points: 100 }) })]),
      ['measures[0].method.ranges[0].to'],
    ],
    [
      'a bound that is not a number',
      card([measure({ method: ranges({ from: 'a' as unknown as number, points: 0 }) })]),
      ['measures[0].method.ranges[0].from'],
    ],
    [
      'trend days 0',
      card([measure({ method: { kind: 'trend', days: 0, fullAt: 0.5 } })]),
      ['measures[0].method.days'],
    ],
    [
      'trend days above 365',
      card([measure({ method: { kind: 'trend', days: 366, fullAt: 0.5 } })]),
      ['measures[0].method.days'],
    ],
    [
      'trend days not whole',
      card([measure({ method: { kind: 'trend', days: 1.5, fullAt: 0.5 } })]),
      ['measures[0].method.days'],
    ],
    [
      'trend fullAt 0',
      card([measure({ method: { kind: 'trend', days: 30, fullAt: 0 } })]),
      ['measures[0].method.fullAt'],
    ],
    [
      'boolean without a threshold',
      card([measure({ method: { kind: 'boolean' } })]),
      ['measures[0].method.threshold'],
    ],
    ['bands missing', card([measure()], null), ['bands']],
    ['red 0', card([measure()], { red: 0, yellow: 70 }), ['bands.red']],
    ['yellow above 100', card([measure()], { red: 40, yellow: 101 }), ['bands.yellow']],
    ['red equal to yellow', card([measure()], { red: 50, yellow: 50 }), ['bands.yellow']],
    ['red above yellow', card([measure()], { red: 80, yellow: 70 }), ['bands.yellow']],
    [
      'every problem at once, each with its path',
      card(
        [
          measure({ weight: 0 }),
          measure({ id: 'b', method: ranges({ to: 1, points: 0 }, { from: 0, points: 200 }) }),
        ],
        { red: 90, yellow: 10 },
      ),
      [
        'measures[0].weight',
        'measures[1].method.ranges[1].points',
        'measures[1].method.ranges[1].from',
        'bands.yellow',
      ],
    ],
  ])('refuses %s', (_name, definition, expected) => {
    const problems = validateScorecard(definition);
    expect(paths(problems)).toEqual(expected);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(0);
  });

  it.each<[string, ScorecardDefinition]>([
    ['a single range open at both ends', card([measure({ method: ranges({ points: 50 }) })])],
    [
      'ranges with a gap (a value in it is left out)',
      card([measure({ method: ranges({ to: 1, points: 0 }, { from: 2, points: 100 }) })]),
    ],
    ['a percentile method', card([measure({ method: { kind: 'percentile' } })])],
    ['a trend over a year', card([measure({ method: { kind: 'trend', days: 365, fullAt: 2 } })])],
    ['a boolean at a negative threshold', card([measure({ method: { kind: 'boolean', threshold: -1 } })])],
    ['yellow at 100', card([measure()], { red: 1, yellow: 100 })],
  ])('accepts %s', (_name, definition) => {
    expect(validateScorecard(definition)).toEqual([]);
  });

  it('names the first occurrence of a duplicate id', () => {
    const [problem] = validateScorecard(card([measure(), measure()]));
    expect(problem).toEqual({ path: 'measures[1].id', message: expect.stringContaining('measures[0]') });
  });
});
