import { seededRandom } from '@tsuzuku/platform-testing';
import { contributionsOf, crossValidatedAuc, fitLogistic, predictProbability } from './logistic-regression';

/** Seeded uniform and normal draws, so the planted data sets are the same on every run. */
function generator(seed: number) {
  const uniform = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

const logistic = (z: number) => 1 / (1 + Math.exp(-z));

/** Rows of three features; the outcome depends on the first two only: logit = -1 + 2 x1 - 0.5 x2. */
function planted(n: number, seed: number) {
  const random = generator(seed);
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i += 1) {
    const row = [random.normal(), random.normal(), random.normal()];
    rows.push(row);
    labels.push(random.uniform() < logistic(-1 + 2 * row[0]! - 0.5 * row[1]!));
  }
  return { rows, labels };
}

describe('fitLogistic', () => {
  it('recovers the sign and the order of size of a planted signal, and ignores noise', () => {
    const { rows, labels } = planted(4000, 7);
    const model = fitLogistic(['strong', 'weak', 'noise'], rows, labels, { l2: 1 });
    const [strong, weak, noise] = model.coefficients.map((c, i) => c / model.scales[i]!);
    expect(strong).toBeGreaterThan(1.6);
    expect(strong).toBeLessThan(2.4);
    expect(weak).toBeLessThan(-0.25);
    expect(weak).toBeGreaterThan(-0.75);
    expect(Math.abs(noise!)).toBeLessThan(0.15);
    expect(Math.abs(strong!)).toBeGreaterThan(Math.abs(weak!));
    expect(Math.abs(weak!)).toBeGreaterThan(Math.abs(noise!));
  });

  it('stops where the gradient of the penalised log-likelihood is zero (checked independently)', () => {
    const { rows, labels } = planted(300, 11);
    const l2 = 2;
    const model = fitLogistic(['a', 'b', 'c'], rows, labels, { l2 });
    const gradient = [0, 0, 0, 0];
    rows.forEach((row, n) => {
      const z = row.map((v, f) => (v - model.means[f]!) / model.scales[f]!);
      const residual = (labels[n] ? 1 : 0) - predictProbability(model, row);
      gradient[0]! += residual;
      z.forEach((v, f) => (gradient[f + 1]! += residual * v));
    });
    model.coefficients.forEach((c, f) => (gradient[f + 1]! -= l2 * c));
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-6);
  });

  it('stays finite on separable data, and a stronger penalty shrinks the coefficients', () => {
    const rows = [[0], [1], [2], [3], [4], [5]];
    const labels = [false, false, false, true, true, true];
    const loose = fitLogistic(['x'], rows, labels, { l2: 0.01 });
    const tight = fitLogistic(['x'], rows, labels, { l2: 10 });
    expect(Number.isFinite(loose.coefficients[0]!)).toBe(true);
    expect(loose.coefficients[0]!).toBeGreaterThan(tight.coefficients[0]!);
    expect(tight.coefficients[0]!).toBeGreaterThan(0);
  });

  it('imputes an unknown value with the training mean', () => {
    const model = fitLogistic(['x'], [[0], [null], [2], [4]], [false, false, true, true]);
    expect(model.means[0]).toBe(2);
    expect(predictProbability(model, [null])).toBeCloseTo(predictProbability(model, [2]), 12);
  });

  it('refuses rows that do not match the features', () => {
    expect(() => fitLogistic(['a', 'b'], [[1]], [true])).toThrow(/one value per feature/);
    expect(() => fitLogistic(['a'], [], [])).toThrow(/no examples/);
  });
});

describe('contributionsOf', () => {
  it('adds up, with the intercept, to the log-odds of the prediction', () => {
    const { rows, labels } = planted(500, 3);
    const model = fitLogistic(['strong', 'weak', 'noise'], rows, labels);
    const row = [1.5, -0.3, 0.2];
    const parts = contributionsOf(model, row);
    const p = predictProbability(model, row);
    expect(model.intercept + parts.reduce((sum, part) => sum + part.contribution, 0)).toBeCloseTo(
      Math.log(p / (1 - p)),
      9,
    );
    expect(parts[0]!.feature).toBe('strong');
    expect(parts[0]!.contribution).toBeGreaterThan(0);
  });
});

describe('crossValidatedAuc', () => {
  it('finds a planted signal and none in noise', () => {
    const signal = planted(1000, 5);
    const withSignal = crossValidatedAuc(['strong', 'weak', 'noise'], signal.rows, signal.labels);
    expect(withSignal.foldAucs).toHaveLength(5);
    expect(withSignal.meanAuc!).toBeGreaterThan(0.8);
    const random = generator(9);
    const noiseRows = signal.rows.map(() => [random.normal(), random.normal()]);
    const noise = crossValidatedAuc(['a', 'b'], noiseRows, signal.labels);
    expect(Math.abs(noise.meanAuc! - 0.5)).toBeLessThan(0.08);
  });
});
