import { MeasureResult } from './health-score.calculator';
import { Measure } from './scorecard';

/**
 * A measure's result as an account row keeps it: what the scoring found (value, points) and the
 * weight and category it was scored with. The label is the scorecard's; the share and the
 * contribution follow from the weights and points of the row's measures. Kept this short because
 * the row is rewritten at every rescoring: the full result repeated the label, both ids and two
 * derived numbers, three times the bytes, and Postgres spent most of the write reading them.
 */
export type StoredMeasure = Pick<MeasureResult, 'metric' | 'category' | 'value' | 'points' | 'weight'> & {
  readonly id: string;
};

/** The results as an account row stores them, in the scorecard's order. */
export function storedMeasures(results: readonly MeasureResult[]): StoredMeasure[] {
  return results.map((r) => ({
    id: r.measureId,
    metric: r.metric,
    category: r.category,
    value: r.value,
    points: r.points,
    weight: r.weight,
  }));
}

/**
 * The full results of stored measures: share and contribution worked out as the calculator does
 * (weight over the weight with data, in the same order, so the numbers are the same), the label
 * from the scorecard's measure of that id, or the id when the scorecard no longer has it.
 */
export function measureResults(
  stored: readonly StoredMeasure[],
  scorecardMeasures: readonly Pick<Measure, 'id' | 'label'>[],
): MeasureResult[] {
  const labels = new Map(scorecardMeasures.map((m) => [m.id, m.label]));
  const weightWithData = stored.reduce((sum, s) => (s.points === null ? sum : sum + s.weight), 0);
  return stored.map((s) => {
    const share = s.points === null || weightWithData === 0 ? 0 : s.weight / weightWithData;
    return {
      measureId: s.id,
      label: labels.get(s.id) ?? s.id,
      category: s.category,
      metric: s.metric,
      value: s.value,
      points: s.points,
      weight: s.weight,
      share,
      contribution: s.points === null ? 0 : s.points * share,
    };
  });
}
