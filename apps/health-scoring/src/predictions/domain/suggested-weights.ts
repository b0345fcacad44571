import { LogisticModel } from './logistic-regression';

/** A scorecard measure as far as weighting goes: which metric it reads and which way is healthy. */
export interface WeightedMeasure {
  readonly id: string;
  readonly metric: string;
  readonly direction: 'higher_is_better' | 'lower_is_better';
}

export interface SuggestedWeight {
  readonly measureId: string;
  /** Whole points out of 100 across the measures kept. */
  readonly weight: number;
  /** The churn model's coefficient for the measure's value, per standard deviation. */
  readonly coefficient: number;
}

export interface WeightSuggestion {
  readonly weights: readonly SuggestedWeight[];
  /** Measures the model found no protective effect for (or the opposite of their direction): left out. */
  readonly notPredictive: readonly string[];
}

/**
 * Turns a churn model into scorecard weights: a measure earns weight in proportion to how much a
 * standard deviation of its healthy direction lowers the log-odds of churning. Measures whose
 * healthy direction does not lower it get none and are listed. Weights are whole numbers summing
 * to 100 (largest remainders), so the draft passes scorecard validation.
 */
export function suggestWeights(model: LogisticModel, measures: readonly WeightedMeasure[]): WeightSuggestion {
  const effects = measures.map((measure) => {
    const index = model.features.indexOf(measure.metric);
    const coefficient = index < 0 ? 0 : model.coefficients[index]!;
    const protective = measure.direction === 'higher_is_better' ? -coefficient : coefficient;
    return { measure, coefficient, protective: protective > 1e-6 ? protective : 0 };
  });
  const kept = effects.filter((e) => e.protective > 0);
  const total = kept.reduce((sum, e) => sum + e.protective, 0);
  const exact = kept.map((e) => (100 * e.protective) / total);
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((sum, w) => sum + w, 0);
  const byRemainder = exact
    .map((w, i) => ({ i, remainder: w - floors[i]! }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  const weights = kept
    .map((e, i) => ({ measureId: e.measure.id, weight: floors[i]!, coefficient: e.coefficient }))
    .filter((w) => w.weight > 0);
  const weighted = new Set(weights.map((w) => w.measureId));
  return { weights, notPredictive: measures.filter((m) => !weighted.has(m.id)).map((m) => m.id) };
}
