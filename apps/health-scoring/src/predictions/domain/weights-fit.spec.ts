import { Measure } from '../../scorecards/domain/scorecard';
import { fitLogistic } from './logistic-regression';
import { fitWeights } from './weights-fit';

const measure = (id: string, metric: Measure['metric'], direction: Measure['direction']): Measure => ({
  id,
  label: id,
  category: 'engagement',
  metric,
  method: { kind: 'ranges', ranges: [{ points: 50 }] },
  direction,
  weight: 10,
});

/** Deterministic pseudo-random values in [0, 1). */
const unit = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

describe('fitWeights', () => {
  const measures = [
    measure('usage', 'sign_ins_30d', 'higher_is_better'),
    measure('tickets', 'open_tickets_30d', 'lower_is_better'),
    measure('noise', 'latest_nps', 'higher_is_better'),
  ];
  // Churn follows low usage and many tickets; NPS is noise.
  const n = 400;
  const values = new Map(
    Array.from({ length: n }, (_, i) => [
      `a${i}`,
      {
        sign_ins_30d: 40 * unit(i, 1),
        open_tickets_30d: Math.floor(6 * unit(i, 2)),
        latest_nps: 10 * unit(i, 3),
      },
    ]),
  );
  const risk = (v: { sign_ins_30d: number; open_tickets_30d: number }) =>
    -0.15 * v.sign_ins_30d + 0.6 * v.open_tickets_30d;
  const items = [...values.entries()].map(([accountId, v]) => ({
    accountId,
    day: '2026-01-01',
    outcome: risk(v) > -1.5,
  }));
  const valuesOn = (a: string) => values.get(a);

  it('weighs the measures that predict the outcome, in their healthy direction, summing to 100', () => {
    const fit = fitWeights(items, measures, valuesOn, 'churn')!;
    expect(fit.examples).toBe(n);
    expect(fit.positives).toBe(items.filter((i) => i.outcome).length);
    expect(fit.crossValidation.meanAuc).toBeGreaterThan(0.9);
    const weight = new Map(fit.weights.map((w) => [w.measureId, w.weight]));
    expect(weight.get('usage')! + weight.get('tickets')! + (weight.get('noise') ?? 0)).toBe(100);
    expect(weight.get('usage')!).toBeGreaterThan(weight.get('noise') ?? 0);
    expect(weight.get('tickets')!).toBeGreaterThan(weight.get('noise') ?? 0);
    // The coefficients are the model's, fitted independently here on the same rows.
    const features = ['sign_ins_30d', 'open_tickets_30d', 'latest_nps'];
    const model = fitLogistic(
      features,
      items.map((i) => features.map((f) => (values.get(i.accountId) as Record<string, number>)[f]!)),
      items.map((i) => i.outcome),
      { l2: 1 },
    );
    expect(fit.weights.find((w) => w.measureId === 'usage')!.coefficient).toBeCloseTo(
      model.coefficients[0]!,
      9,
    );
  });

  it('for renewal, weighs what raises the odds of the outcome', () => {
    const renewals = items.map((i) => ({ ...i, outcome: !i.outcome }));
    const fit = fitWeights(renewals, measures, valuesOn, 'renewal')!;
    const weight = new Map(fit.weights.map((w) => [w.measureId, w.weight]));
    expect(weight.get('usage')!).toBeGreaterThan(weight.get('noise') ?? 0);
    expect(fit.weights.find((w) => w.measureId === 'usage')!.coefficient).toBeGreaterThan(0);
  });

  it('is undefined without both classes, and skips accounts without values', () => {
    expect(
      fitWeights(
        items.map((i) => ({ ...i, outcome: false })),
        measures,
        valuesOn,
        'churn',
      ),
    ).toBeUndefined();
    const fit = fitWeights(
      [...items, { accountId: 'ghost', day: '2026-01-01', outcome: true }],
      measures,
      valuesOn,
      'churn',
    )!;
    expect(fit.examples).toBe(n);
  });
});
