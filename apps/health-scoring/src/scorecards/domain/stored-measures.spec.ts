import fc from 'fast-check';
import { defaultMeasures } from './default-scorecard';
import { MeasureInput, calculateHealthScore } from './health-score.calculator';
import { DEFAULT_BANDS } from './scorecard';
import { measureResults, storedMeasures } from './stored-measures';

const measures = defaultMeasures();

// Any account of the default scorecard: each measure with a value or none, trends with a past
// value or none, percentiles with a few peers.
const inputs = fc
  .array(
    fc.record({
      value: fc.option(fc.double({ min: -5, max: 500, noNaN: true }), { nil: null }),
      previous: fc.option(fc.double({ min: -5, max: 500, noNaN: true }), { nil: null }),
      peers: fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { maxLength: 6 }),
    }),
    { minLength: measures.length, maxLength: measures.length },
  )
  .map((values) => new Map<string, MeasureInput>(measures.map((m, i) => [m.id, values[i]!])));

describe('stored measures', () => {
  it('give back the results the calculator produced, share and contribution to the last bit', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const { measures: results } = calculateHealthScore(measures, input, DEFAULT_BANDS);
        // Both go through JSON on their way to the row and back (-0 comes back as 0).
        const stored = JSON.parse(JSON.stringify(storedMeasures(results))) as ReturnType<
          typeof storedMeasures
        >;
        expect(measureResults(stored, measures)).toEqual(JSON.parse(JSON.stringify(results)));
      }),
    );
  });

  it('name a measure the scorecard no longer has by its id, and keep its numbers', () => {
    const input = new Map<string, MeasureInput>(measures.map((m, i) => [m.id, { value: i, previous: 1 }]));
    const { measures: results } = calculateHealthScore(measures, input, DEFAULT_BANDS);
    const dropped = measures[0]!;
    const again = measureResults(storedMeasures(results), measures.slice(1));
    expect(again[0]).toEqual({ ...results[0], label: dropped.id });
    expect(again.slice(1)).toEqual(results.slice(1));
  });

  it('leave out the label and the derived numbers', () => {
    const input = new Map<string, MeasureInput>(
      measures.map((m, i) => [m.id, { value: i / 3, previous: 0.7 }]),
    );
    const { measures: results } = calculateHealthScore(measures, input, DEFAULT_BANDS);
    const stored = storedMeasures(results);
    expect(Object.keys(stored[0]!).sort()).toEqual(['category', 'id', 'metric', 'points', 'value', 'weight']);
    expect(JSON.stringify(stored).length).toBeLessThan((JSON.stringify(results).length * 2) / 3);
  });
});
