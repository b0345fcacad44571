import type { MeasureResult } from '../../scorecards/domain/health-score.calculator';

/** A measure that weighed on the score, with what it cost or brought. */
export interface DecisiveMeasure {
  readonly measureId: string;
  readonly label: string;
  readonly category: MeasureResult['category'];
  readonly points: number;
  readonly share: number;
  /** Points it added to the score: points x share. */
  readonly contribution: number;
  /** Points it kept the score from: share x (100 - points). */
  readonly deficit: number;
}

export interface DecisiveMeasures {
  /** The measures that cost the score most, biggest deficit first. */
  readonly largestDeficits: readonly DecisiveMeasure[];
  /** The measures that carried the score most, biggest contribution first. */
  readonly largestContributions: readonly DecisiveMeasure[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What decided a score, for a CSM to see at a glance: the `count` measures with the largest
 * deficit and the `count` with the largest contribution. Measures left out for lack of data are
 * neither (coverage says how much weight they had); a measure that cost or brought nothing is
 * not listed. Ties go to the heavier measure, then by id, so the answer is stable.
 */
export function decisiveMeasures(measures: readonly MeasureResult[], count = 3): DecisiveMeasures {
  const scored: DecisiveMeasure[] = measures
    .filter((m): m is MeasureResult & { points: number } => m.points !== null && m.share > 0)
    .map((m) => ({
      measureId: m.measureId,
      label: m.label,
      category: m.category,
      points: m.points,
      share: m.share,
      contribution: round2(m.contribution),
      deficit: round2(m.share * (100 - m.points)),
    }));
  const by =
    (field: 'deficit' | 'contribution') =>
    (a: DecisiveMeasure, b: DecisiveMeasure): number =>
      b[field] - a[field] || b.share - a.share || compareIds(a.measureId, b.measureId);
  return {
    largestDeficits: scored
      .filter((m) => m.deficit > 0)
      .sort(by('deficit'))
      .slice(0, count),
    largestContributions: scored
      .filter((m) => m.contribution > 0)
      .sort(by('contribution'))
      .slice(0, count),
  };
}
