import { Band, Bands, Measure, Range, ScoringMethod, bandOf } from './scorecard';

/** What the calculator knows about one measure of one account. */
export interface MeasureInput {
  /** The metric's value now; null when the account has no data for it. */
  readonly value: number | null;
  /** For trend measures: the value `days` ago. */
  readonly previous?: number | null;
  /** For percentile measures: the values of the other accounts of the segment. */
  readonly peers?: readonly number[];
}

export interface MeasureResult {
  readonly measureId: string;
  readonly label: string;
  readonly category: Measure['category'];
  readonly metric: Measure['metric'];
  readonly value: number | null;
  /** 0-100, null when left out for lack of data. */
  readonly points: number | null;
  readonly weight: number;
  /** Share of the score this measure carries (weight over the weight with data), 0 when left out. */
  readonly share: number;
  /** Points this measure adds to the score: points x share. */
  readonly contribution: number;
}

export interface HealthScore {
  /** 0-100, rounded to one decimal; null when no measure had data. */
  readonly score: number | null;
  readonly band: Band | null;
  /** Share of the scorecard's weight whose measures had data, 0-1. */
  readonly coverage: number;
  readonly measures: readonly MeasureResult[];
}

const clamp = (n: number) => Math.min(100, Math.max(0, n));

function rangePoints(value: number, ranges: readonly Range[]): number | null {
  const range = ranges.find(
    (r) => (r.from === undefined || value >= r.from) && (r.to === undefined || value < r.to),
  );
  return range ? clamp(range.points) : null;
}

function percentileRank(value: number, peers: readonly number[]): number {
  if (peers.length === 0) return 50;
  let below = 0;
  let equal = 0;
  for (const p of peers) {
    if (p < value) below++;
    else if (p === value) equal++;
  }
  return (100 * (below + equal / 2)) / peers.length;
}

/** Points (0-100) a measure earns, or null when there is nothing to score. */
export function measurePoints(
  method: ScoringMethod,
  direction: Measure['direction'],
  input: MeasureInput,
): number | null {
  const { value } = input;
  if (value === null || !Number.isFinite(value)) return null;
  const flip = (points: number) => (direction === 'lower_is_better' ? 100 - points : points);
  switch (method.kind) {
    case 'ranges':
      // Ranges say their own points, already in the measure's direction.
      return rangePoints(value, method.ranges);
    case 'boolean': {
      const met = direction === 'lower_is_better' ? value <= method.threshold : value >= method.threshold;
      return met ? 100 : 0;
    }
    case 'percentile':
      return flip(percentileRank(value, input.peers ?? []));
    case 'trend': {
      const previous = input.previous;
      if (previous === null || previous === undefined || !Number.isFinite(previous)) return null;
      const change =
        previous === 0 ? (value === 0 ? 0 : Math.sign(value)) : (value - previous) / Math.abs(previous);
      return flip(clamp(50 + (50 * change) / method.fullAt));
    }
  }
}

/**
 * The health score: each measure with data scores 0-100 points; the score is their weighted
 * mean, renormalised over the weight that had data (a measure without data is left out, and
 * coverage says how much weight that was).
 */
export function calculateHealthScore(
  measures: readonly Measure[],
  inputs: ReadonlyMap<string, MeasureInput>,
  bands: Bands,
): HealthScore {
  const scored = measures.map((measure) => ({
    measure,
    value: inputs.get(measure.id)?.value ?? null,
    points: measurePoints(measure.method, measure.direction, inputs.get(measure.id) ?? { value: null }),
  }));
  const totalWeight = measures.reduce((sum, m) => sum + m.weight, 0);
  const weightWithData = scored.reduce((sum, s) => (s.points === null ? sum : sum + s.measure.weight), 0);
  const results: MeasureResult[] = scored.map(({ measure, value, points }) => {
    const share = points === null || weightWithData === 0 ? 0 : measure.weight / weightWithData;
    return {
      measureId: measure.id,
      label: measure.label,
      category: measure.category,
      metric: measure.metric,
      value,
      points,
      weight: measure.weight,
      share,
      contribution: points === null ? 0 : points * share,
    };
  });
  if (weightWithData === 0) return { score: null, band: null, coverage: 0, measures: results };
  const raw = results.reduce((sum, r) => sum + r.contribution, 0);
  const score = Math.round(clamp(raw) * 10) / 10;
  return {
    score,
    band: bandOf(score, bands),
    coverage: totalWeight === 0 ? 0 : weightWithData / totalWeight,
    measures: results,
  };
}
