import { rocAuc } from './classification-metrics';

/** A feature value; null when unknown (imputed with the training mean, i.e. 0 once standardised). */
export type FeatureValue = number | null;

/** An L2-regularised logistic regression fitted on standardised features. */
export interface LogisticModel {
  readonly features: readonly string[];
  /** Training mean and standard deviation of each feature (a constant feature has scale 1). */
  readonly means: readonly number[];
  readonly scales: readonly number[];
  readonly intercept: number;
  /** One per feature, on the standardised scale: the change in log-odds per standard deviation. */
  readonly coefficients: readonly number[];
  readonly l2: number;
  readonly iterations: number;
  readonly trainedOn: { readonly examples: number; readonly positives: number };
}

export interface FitOptions {
  /** Strength of the penalty on the coefficients (not on the intercept). */
  readonly l2?: number;
  readonly maxIterations?: number;
  /** Newton steps stop once the largest change of a parameter is below this. */
  readonly tolerance?: number;
}

/**
 * Fits by Newton's method (iteratively reweighted least squares) on the penalised log-likelihood,
 * which is strictly concave with l2 > 0, so the answer does not depend on a learning rate or a
 * starting point. Deterministic: the same data gives the same model.
 */
export function fitLogistic(
  features: readonly string[],
  rows: readonly (readonly FeatureValue[])[],
  labels: readonly boolean[],
  { l2 = 1, maxIterations = 100, tolerance = 1e-9 }: FitOptions = {},
): LogisticModel {
  if (rows.length !== labels.length) throw new Error('one label per row');
  if (rows.length === 0) throw new Error('no examples to fit');
  if (rows.some((row) => row.length !== features.length))
    throw new Error('every row needs one value per feature');
  if (!(l2 > 0)) throw new Error('l2 must be positive');
  const { means, scales } = standardisation(features.length, rows);
  const x = rows.map((row) => [1, ...standardise(row, means, scales)]);
  const y: number[] = labels.map((label) => (label ? 1 : 0));
  const size = features.length + 1;
  let beta = new Array<number>(size).fill(0);
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (let n = 0; n < x.length; n += 1) {
      const xn = x[n]!;
      const p = sigmoid(dot(beta, xn));
      const residual = y[n]! - p;
      const weight = p * (1 - p);
      for (let i = 0; i < size; i += 1) {
        gradient[i]! += residual * xn[i]!;
        for (let j = 0; j <= i; j += 1) hessian[i]![j]! += weight * xn[i]! * xn[j]!;
      }
    }
    for (let i = 0; i < size; i += 1) for (let j = 0; j < i; j += 1) hessian[j]![i] = hessian[i]![j]!;
    for (let i = 1; i < size; i += 1) {
      gradient[i]! -= l2 * beta[i]!;
      hessian[i]![i]! += l2;
    }
    // A tiny ridge on the intercept keeps the system solvable when every label is the same.
    hessian[0]![0]! += 1e-9;
    const step = solveSymmetric(hessian, gradient);
    beta = beta.map((b, i) => b + step[i]!);
    if (Math.max(...step.map(Math.abs)) < tolerance) {
      iterations += 1;
      break;
    }
  }
  return {
    features: [...features],
    means,
    scales,
    intercept: beta[0]!,
    coefficients: beta.slice(1),
    l2,
    iterations,
    trainedOn: { examples: rows.length, positives: y.reduce((sum, v) => sum + v, 0) },
  };
}

/** The model's probability of the outcome for one row of raw feature values. */
export function predictProbability(model: LogisticModel, row: readonly FeatureValue[]): number {
  const z = standardise(row, model.means, model.scales);
  return sigmoid(model.intercept + dot(model.coefficients, z));
}

/** A feature's signed share of one prediction, in log-odds. */
export interface FeatureContribution {
  readonly feature: string;
  readonly value: FeatureValue;
  /** How many training standard deviations the value is from the training mean (0 when unknown). */
  readonly standardised: number;
  /** coefficient × standardised value: positive pushes the probability up. */
  readonly contribution: number;
}

/** Each feature's contribution to one prediction, largest effect first. */
export function contributionsOf(model: LogisticModel, row: readonly FeatureValue[]): FeatureContribution[] {
  const z = standardise(row, model.means, model.scales);
  return model.features
    .map((feature, i) => ({
      feature,
      value: row[i] ?? null,
      standardised: z[i]!,
      contribution: model.coefficients[i]! * z[i]!,
    }))
    .sort(
      (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature),
    );
}

export interface CrossValidation {
  readonly folds: number;
  /** Per fold, the AUC of a model fitted on the other folds; null where the fold lacks a class. */
  readonly foldAucs: readonly (number | null)[];
  /** Mean of the defined fold AUCs; null when none is defined. */
  readonly meanAuc: number | null;
}

/**
 * k-fold cross-validated AUC with folds stratified by label, assigned in a fixed order (no
 * randomness), so the figure is reproducible.
 */
export function crossValidatedAuc(
  features: readonly string[],
  rows: readonly (readonly FeatureValue[])[],
  labels: readonly boolean[],
  { folds = 5, ...fit }: FitOptions & { readonly folds?: number } = {},
): CrossValidation {
  const foldOf = new Array<number>(rows.length);
  let positives = 0;
  let negatives = 0;
  for (let i = 0; i < rows.length; i += 1) foldOf[i] = labels[i] ? positives++ % folds : negatives++ % folds;
  const foldAucs: (number | null)[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const train = rows.map((_, i) => i).filter((i) => foldOf[i] !== fold);
    const test = rows.map((_, i) => i).filter((i) => foldOf[i] === fold);
    const trainLabels = train.map((i) => labels[i]!);
    if (test.length === 0 || !trainLabels.includes(true) || !trainLabels.includes(false)) {
      foldAucs.push(null);
      continue;
    }
    const model = fitLogistic(
      features,
      train.map((i) => rows[i]!),
      trainLabels,
      fit,
    );
    foldAucs.push(
      rocAuc(test.map((i) => ({ risk: predictProbability(model, rows[i]!), outcome: labels[i]! }))),
    );
  }
  const defined = foldAucs.filter((auc): auc is number => auc !== null);
  return {
    folds,
    foldAucs,
    meanAuc: defined.length === 0 ? null : defined.reduce((sum, auc) => sum + auc, 0) / defined.length,
  };
}

function standardisation(
  width: number,
  rows: readonly (readonly FeatureValue[])[],
): { means: number[]; scales: number[] } {
  const means: number[] = [];
  const scales: number[] = [];
  for (let f = 0; f < width; f += 1) {
    const known = rows.map((row) => row[f]).filter((v): v is number => v !== null && v !== undefined);
    const mean = known.length === 0 ? 0 : known.reduce((sum, v) => sum + v, 0) / known.length;
    const variance =
      known.length === 0 ? 0 : known.reduce((sum, v) => sum + (v - mean) ** 2, 0) / known.length;
    means.push(mean);
    scales.push(variance > 1e-12 ? Math.sqrt(variance) : 1);
  }
  return { means, scales };
}

function standardise(
  row: readonly FeatureValue[],
  means: readonly number[],
  scales: readonly number[],
): number[] {
  return means.map((mean, f) => {
    const value = row[f];
    return value === null || value === undefined ? 0 : (value - mean) / scales[f]!;
  });
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i]! * b[i]!;
  return sum;
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky). */
function solveSymmetric(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k += 1) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('the system to solve is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const forward = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i += 1) {
    let sum = b[i]!;
    for (let k = 0; k < i; k += 1) sum -= l[i]![k]! * forward[k]!;
    forward[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i -= 1) {
    let sum = forward[i]!;
    for (let k = i + 1; k < n; k += 1) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
