import fc from 'fast-check';
import {
  calibrationByDecile,
  outcomeRateByGroup,
  precisionRecall,
  rocAuc,
  ScoredOutcome,
} from './classification-metrics';

/** AUC by its definition: every (positive, negative) pair, a win 1, a tie one half. */
function aucByPairs(examples: readonly ScoredOutcome[]): number | null {
  const positives = examples.filter((e) => e.outcome);
  const negatives = examples.filter((e) => !e.outcome);
  if (positives.length === 0 || negatives.length === 0) return null;
  let wins = 0;
  for (const p of positives)
    for (const n of negatives) wins += p.risk > n.risk ? 1 : p.risk === n.risk ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

const example = (risk: number, outcome: boolean): ScoredOutcome => ({ risk, outcome });

describe('rocAuc', () => {
  it('equals the pair count on a small hand-made set with ties', () => {
    const set = [
      example(0.9, true),
      example(0.8, false),
      example(0.7, true),
      example(0.7, false),
      example(0.2, false),
      example(0.1, true),
    ];
    // Pairs: 0.9 beats all 3 negatives (3); 0.7 beats 0.2 (1), ties 0.7 (0.5), loses to 0.8; 0.1 beats none.
    expect(rocAuc(set)).toBeCloseTo(4.5 / 9, 12);
    expect(rocAuc(set)).toBeCloseTo(aucByPairs(set)!, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when every risk is equal', () => {
    expect(rocAuc([example(2, true), example(1, false)])).toBe(1);
    expect(rocAuc([example(1, true), example(2, false)])).toBe(0);
    expect(rocAuc([example(1, true), example(1, false), example(1, true)])).toBe(0.5);
  });

  it('is undefined (null) without both classes', () => {
    expect(rocAuc([example(1, true)])).toBeNull();
    expect(rocAuc([example(1, false), example(2, false)])).toBeNull();
    expect(rocAuc([])).toBeNull();
  });

  it('equals the pair count on any set (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ risk: fc.integer({ min: 0, max: 6 }), outcome: fc.boolean() }), {
          maxLength: 60,
        }),
        (set) => {
          const expected = aucByPairs(set);
          const actual = rocAuc(set);
          if (expected === null) return actual === null;
          return actual !== null && Math.abs(actual - expected) < 1e-12;
        },
      ),
    );
  });
});

describe('precisionRecall', () => {
  it('counts the confusion matrix of a hand-made set', () => {
    const result = precisionRecall([
      { flagged: true, outcome: true },
      { flagged: true, outcome: false },
      { flagged: true, outcome: true },
      { flagged: false, outcome: true },
      { flagged: false, outcome: false },
    ]);
    expect(result).toEqual({
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 1,
      precision: 2 / 3,
      recall: 2 / 3,
    });
  });

  it('says null instead of dividing by zero', () => {
    expect(precisionRecall([{ flagged: false, outcome: false }])).toMatchObject({
      precision: null,
      recall: null,
    });
  });
});

describe('outcomeRateByGroup', () => {
  it('lists every group in order, empty ones with a null rate', () => {
    const rows = outcomeRateByGroup(
      [
        { band: 'red', outcome: true },
        { band: 'red', outcome: false },
        { band: 'green', outcome: false },
      ],
      ['red', 'yellow', 'green'],
      (e) => e.band,
    );
    expect(rows).toEqual([
      { group: 'red', count: 2, outcomes: 1, rate: 0.5 },
      { group: 'yellow', count: 0, outcomes: 0, rate: null },
      { group: 'green', count: 1, outcomes: 0, rate: 0 },
    ]);
  });
});

describe('calibrationByDecile', () => {
  it('cuts 20 distinct risks into ten pairs with their observed rates', () => {
    const set = Array.from({ length: 20 }, (_, i) => example(i / 20, i >= 14));
    const rows = calibrationByDecile(set);
    expect(rows.map((r) => r.count)).toEqual(Array(10).fill(2));
    expect(rows.map((r) => r.outcomeRate)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(rows[0]).toMatchObject({ decile: 1, minRisk: 0, maxRisk: 0.05, meanRisk: 0.025 });
  });

  it('keeps equal risks in one group and covers every example once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ risk: fc.integer({ min: 0, max: 4 }), outcome: fc.boolean() }), {
          minLength: 1,
          maxLength: 80,
        }),
        (set) => {
          const rows = calibrationByDecile(set);
          const covered = rows.reduce((sum, r) => sum + r.count, 0);
          const disjoint = rows.every((r, i) => i === 0 || rows[i - 1]!.maxRisk < r.minRisk);
          return covered === set.length && disjoint;
        },
      ),
    );
  });
});
