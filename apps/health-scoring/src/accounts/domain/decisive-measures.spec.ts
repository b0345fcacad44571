import type { MeasureResult } from '../../scorecards/domain/health-score.calculator';
import { decisiveMeasures } from './decisive-measures';

function measure(measureId: string, points: number | null, share: number): MeasureResult {
  return {
    measureId,
    label: `label of ${measureId}`,
    category: 'engagement',
    metric: 'sign_ins_30d',
    value: points,
    points,
    weight: share * 100,
    share: points === null ? 0 : share,
    contribution: points === null ? 0 : points * share,
  };
}

const ids = (list: readonly { measureId: string }[]) => list.map((m) => m.measureId);

describe('decisiveMeasures', () => {
  it.each<[string, MeasureResult[], string[], string[]]>([
    ['no measures', [], [], []],
    [
      'deficit weighs points by share: a heavy mediocre measure beats a light failing one',
      [measure('heavy', 50, 0.6), measure('light', 0, 0.2), measure('good', 100, 0.2)],
      // deficits: heavy 30, light 20, good 0; contributions: heavy 30, good 20, light 0
      ['heavy', 'light'],
      ['heavy', 'good'],
    ],
    [
      'only the three largest of each',
      [
        measure('a', 10, 0.2),
        measure('b', 20, 0.2),
        measure('c', 30, 0.2),
        measure('d', 40, 0.2),
        measure('e', 90, 0.2),
      ],
      ['a', 'b', 'c'],
      ['e', 'd', 'c'],
    ],
    [
      'measures left out for lack of data are neither',
      [measure('missing', null, 0.5), measure('weak', 20, 0.5), measure('strong', 80, 0.5)],
      ['weak', 'strong'],
      ['strong', 'weak'],
    ],
    [
      'ties go to the heavier measure, then by id',
      [measure('z', 50, 0.2), measure('y', 75, 0.4), measure('b', 50, 0.2), measure('a', 50, 0.2)],
      ['y', 'a', 'b'],
      ['y', 'a', 'b'],
    ],
    ['a perfect score has no deficit', [measure('p', 100, 1)], [], ['p']],
    ['a zero score has no contribution', [measure('z', 0, 1)], ['z'], []],
  ])('%s', (_what, measures, deficits, contributions) => {
    const decisive = decisiveMeasures(measures);
    expect(ids(decisive.largestDeficits)).toEqual(deficits);
    expect(ids(decisive.largestContributions)).toEqual(contributions);
  });

  it('says what each decisive measure cost and brought, rounded to two decimals', () => {
    const { largestDeficits } = decisiveMeasures([measure('third', 40, 1 / 3), measure('rest', 100, 2 / 3)]);
    expect(largestDeficits).toEqual([
      {
        measureId: 'third',
        label: 'label of third',
        category: 'engagement',
        points: 40,
        share: 1 / 3,
        contribution: 13.33,
        deficit: 20,
      },
    ]);
  });

  it('takes another count when asked', () => {
    const measures = ['a', 'b', 'c', 'd', 'e'].map((id, i) => measure(id, i * 10, 0.2));
    expect(decisiveMeasures(measures, 1).largestDeficits).toHaveLength(1);
    expect(decisiveMeasures(measures, 5).largestDeficits).toHaveLength(5);
  });
});
