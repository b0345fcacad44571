import { LogisticModel } from './logistic-regression';
import { suggestWeights } from './suggested-weights';

const model = (features: string[], coefficients: number[]): LogisticModel => ({
  features,
  coefficients,
  means: features.map(() => 0),
  scales: features.map(() => 1),
  intercept: 0,
  l2: 1,
  iterations: 1,
  trainedOn: { examples: 10, positives: 3 },
});

describe('suggestWeights', () => {
  it('weights measures by how much their healthy direction lowers churn, summing to 100', () => {
    const suggestion = suggestWeights(model(['logins', 'tickets', 'nps', 'noise'], [-2, 1, -1, 0.5]), [
      { id: 'm-logins', metric: 'logins', direction: 'higher_is_better' },
      { id: 'm-tickets', metric: 'tickets', direction: 'lower_is_better' },
      { id: 'm-nps', metric: 'nps', direction: 'higher_is_better' },
      { id: 'm-noise', metric: 'noise', direction: 'higher_is_better' },
      { id: 'm-unknown', metric: 'not_in_model', direction: 'higher_is_better' },
    ]);
    expect(suggestion.weights).toEqual([
      { measureId: 'm-logins', weight: 50, coefficient: -2 },
      { measureId: 'm-tickets', weight: 25, coefficient: 1 },
      { measureId: 'm-nps', weight: 25, coefficient: -1 },
    ]);
    expect(suggestion.notPredictive).toEqual(['m-noise', 'm-unknown']);
  });

  it('rounds to whole points by largest remainder and still sums to 100', () => {
    const suggestion = suggestWeights(model(['a', 'b', 'c'], [-1, -1, -1]), [
      { id: 'a', metric: 'a', direction: 'higher_is_better' },
      { id: 'b', metric: 'b', direction: 'higher_is_better' },
      { id: 'c', metric: 'c', direction: 'higher_is_better' },
    ]);
    expect(suggestion.weights.map((w) => w.weight)).toEqual([34, 33, 33]);
  });
});
