/** One scored example: the model's or scorecard's risk (higher = more likely the outcome) and whether the outcome happened. */
export interface ScoredOutcome {
  readonly risk: number;
  readonly outcome: boolean;
}

/**
 * ROC AUC: the probability that a random example with the outcome has a higher risk than a random
 * one without it (ties count one half) — the Mann-Whitney U statistic over both counts. Null when
 * either class is empty, since the area is then undefined.
 */
export function rocAuc(examples: readonly ScoredOutcome[]): number | null {
  const positives = examples.filter((e) => e.outcome).length;
  const negatives = examples.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...examples].sort((a, b) => a.risk - b.risk);
  let rankSumOfPositives = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]!.risk === sorted[start]!.risk) end += 1;
    // Ranks are 1-based; tied examples share the average of the ranks they span.
    const averageRank = (start + 1 + end + 1) / 2;
    for (let i = start; i <= end; i += 1) if (sorted[i]!.outcome) rankSumOfPositives += averageRank;
    start = end + 1;
  }
  const u = rankSumOfPositives - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

/** How a yes/no prediction (e.g. "the account is red") did against the outcome. */
export interface PrecisionRecall {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly trueNegatives: number;
  /** Of the flagged, the share that had the outcome; null when nothing was flagged. */
  readonly precision: number | null;
  /** Of those with the outcome, the share flagged; null when none had it. */
  readonly recall: number | null;
}

export function precisionRecall(
  examples: readonly { readonly flagged: boolean; readonly outcome: boolean }[],
): PrecisionRecall {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  let trueNegatives = 0;
  for (const e of examples) {
    if (e.flagged && e.outcome) truePositives += 1;
    else if (e.flagged) falsePositives += 1;
    else if (e.outcome) falseNegatives += 1;
    else trueNegatives += 1;
  }
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    trueNegatives,
    precision: truePositives + falsePositives === 0 ? null : truePositives / (truePositives + falsePositives),
    recall: truePositives + falseNegatives === 0 ? null : truePositives / (truePositives + falseNegatives),
  };
}

/** The outcome rate within one group of examples (a band, a decile). */
export interface OutcomeRate {
  readonly group: string;
  readonly count: number;
  readonly outcomes: number;
  /** outcomes / count; null for an empty group. */
  readonly rate: number | null;
}

/** Outcome rate per group, in the order the groups are given (every group listed, empty or not). */
export function outcomeRateByGroup<T extends { readonly outcome: boolean }>(
  examples: readonly T[],
  groups: readonly string[],
  groupOf: (example: T) => string,
): OutcomeRate[] {
  const counts = new Map(groups.map((g) => [g, { count: 0, outcomes: 0 }]));
  for (const e of examples) {
    const tally = counts.get(groupOf(e));
    if (tally === undefined) continue;
    tally.count += 1;
    if (e.outcome) tally.outcomes += 1;
  }
  return groups.map((group) => {
    const { count, outcomes } = counts.get(group)!;
    return { group, count, outcomes, rate: count === 0 ? null : outcomes / count };
  });
}

/** One row of a calibration table: examples whose risk falls in a decile of the ranking. */
export interface CalibrationRow {
  /** 1 = the tenth with the lowest risk. */
  readonly decile: number;
  readonly count: number;
  readonly minRisk: number;
  readonly maxRisk: number;
  readonly meanRisk: number;
  readonly outcomeRate: number;
}

/**
 * The examples ranked by risk and cut into ten groups of (nearly) equal size; per group the mean
 * risk and the observed outcome rate. Equal risks stay in one group, so a group can be larger
 * than a tenth and fewer than ten groups can come out. Empty groups are left out.
 */
export function calibrationByDecile(examples: readonly ScoredOutcome[]): CalibrationRow[] {
  const sorted = [...examples].sort((a, b) => a.risk - b.risk);
  const rows: CalibrationRow[] = [];
  let start = 0;
  for (let decile = 1; decile <= 10 && start < sorted.length; decile += 1) {
    let end = Math.max(start, Math.round((sorted.length * decile) / 10) - 1);
    while (end + 1 < sorted.length && sorted[end + 1]!.risk === sorted[end]!.risk) end += 1;
    const slice = sorted.slice(start, end + 1);
    rows.push({
      decile,
      count: slice.length,
      minRisk: slice[0]!.risk,
      maxRisk: slice[slice.length - 1]!.risk,
      meanRisk: slice.reduce((sum, e) => sum + e.risk, 0) / slice.length,
      outcomeRate: slice.filter((e) => e.outcome).length / slice.length,
    });
    start = end + 1;
  }
  return rows;
}
