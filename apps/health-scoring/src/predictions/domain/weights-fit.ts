import { Measure } from '../../scorecards/domain/scorecard';
import {
  CrossValidation,
  FeatureValue,
  LogisticModel,
  crossValidatedAuc,
  fitLogistic,
} from './logistic-regression';
import { MetricValues, SampleItem } from './backtest';
import { Outcome } from './outcomes';
import { SuggestedWeight, suggestWeights } from './suggested-weights';

/** A fit of scorecard weights on a backtest sample. */
export interface WeightsFit {
  readonly examples: number;
  readonly positives: number;
  readonly model: LogisticModel;
  readonly crossValidation: CrossValidation;
  /** Coefficients as the model has them: per standard deviation, towards the outcome. */
  readonly weights: readonly SuggestedWeight[];
  readonly notPredictive: readonly string[];
}

/**
 * Fits an L2-regularised logistic regression of the outcome on the metric values of the
 * scorecard's measures (each sampled account on its day; a value without data is imputed with the
 * mean), with its k-fold cross-validated AUC, and turns it into weights (suggestWeights): a
 * measure earns weight in proportion to how much a standard deviation in its healthy direction
 * lowers the log-odds of churn or contraction, or raises those of renewal. Undefined when the
 * examples lack one of the two classes (nothing to fit).
 */
export function fitWeights(
  items: readonly SampleItem[],
  measures: readonly Measure[],
  valuesOn: (accountId: string, day: string) => MetricValues | undefined,
  outcome: Outcome,
  { l2 = 1, folds = 5 }: { readonly l2?: number; readonly folds?: number } = {},
): WeightsFit | undefined {
  const features: string[] = [...new Set(measures.map((m) => m.metric))];
  const rows: FeatureValue[][] = [];
  const labels: boolean[] = [];
  for (const item of items) {
    const values = valuesOn(item.accountId, item.day);
    if (values === undefined) continue;
    rows.push(
      features.map((f) => {
        const v = values[f];
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      }),
    );
    labels.push(item.outcome);
  }
  const positives = labels.filter(Boolean).length;
  if (positives === 0 || positives === labels.length) return undefined;
  const model = fitLogistic(features, rows, labels, { l2 });
  const crossValidation = crossValidatedAuc(features, rows, labels, { folds, l2 });
  // suggestWeights weighs what lowers the risk of a bad outcome; renewal is a good one.
  const towardsRisk =
    outcome === 'renewal' ? { ...model, coefficients: model.coefficients.map((c) => -c) } : model;
  const suggestion = suggestWeights(towardsRisk, measures);
  const coefficientOf = (metric: string) => model.coefficients[features.indexOf(metric)] ?? 0;
  const metricOf = new Map(measures.map((m) => [m.id, m.metric]));
  return {
    examples: rows.length,
    positives,
    model,
    crossValidation,
    weights: suggestion.weights.map((w) => ({
      ...w,
      coefficient: coefficientOf(metricOf.get(w.measureId)!),
    })),
    notPredictive: suggestion.notPredictive,
  };
}
