import { MeasureInput, calculateHealthScore } from '../../scorecards/domain/health-score.calculator';
import { Band, Bands, Measure } from '../../scorecards/domain/scorecard';
import {
  CalibrationRow,
  OutcomeRate,
  PrecisionRecall,
  calibrationByDecile,
  outcomeRateByGroup,
  precisionRecall,
  rocAuc,
} from './classification-metrics';
import { AccountOutcomes, Outcome } from './outcomes';
import { addDays } from './training-set';

/** Metric values of an account at the end of a day (metric → value, null without data). */
export type MetricValues = Readonly<Record<string, number | null>>;

/** What a backtest asks: the outcome, the period its days fall in, and how far ahead the score looks. */
export interface BacktestQuestion {
  readonly outcome: Outcome;
  /** YYYY-MM-DD, both included: the days of the outcomes. */
  readonly from: string;
  readonly to: string;
  readonly horizonDays: number;
}

/** One account to be scored on one day: `outcome` says whether it had the outcome horizonDays later. */
export interface SampleItem {
  readonly accountId: string;
  /** The day whose values are scored: the outcome day minus the horizon. */
  readonly day: string;
  readonly outcome: boolean;
}

/** The sample and what was left out of it. */
export interface Sample {
  readonly items: readonly SampleItem[];
  /** Accounts with the outcome in the period, and without it. */
  readonly withOutcome: number;
  readonly withoutOutcome: number;
  /** Accounts left out because they were churned (no subscription in force) on their day. */
  readonly notCustomers: number;
}

/** FNV-1a, 32 bits: spreads the accounts without the outcome over the days deterministically. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Whether the account was churned at the end of the day: its last churn by then not followed by a return. */
export function churnedOn(outcomes: AccountOutcomes, day: string): boolean {
  let lastChurn: string | undefined;
  for (const c of outcomes.churn) if (c <= day) lastChurn = c;
  if (lastChurn === undefined) return false;
  return !outcomes.subscribed.some((s) => s > lastChurn! && s <= day);
}

/**
 * Who is scored on which day. An account with the outcome in the period is scored on its first
 * outcome day in the period minus horizonDays. Each account without it is scored on one of those
 * same days, picked by a hash of its id, so both groups are scored on the same spread of days
 * (a score read on an earlier or later day would not be compared like with like). An account
 * churned on its day (no subscription in force then) was no customer to score and is left out.
 * Accounts are given with their outcomes over all time (the churns before the period count).
 */
export function backtestSample(
  accounts: readonly { readonly accountId: string; readonly outcomes: AccountOutcomes }[],
  q: BacktestQuestion,
): Sample {
  const positives: SampleItem[] = [];
  const negatives: { accountId: string; outcomes: AccountOutcomes }[] = [];
  let notCustomers = 0;
  for (const a of accounts) {
    const first = a.outcomes[q.outcome].find((d) => d >= q.from && d <= q.to);
    if (first === undefined) negatives.push(a);
    else {
      const day = addDays(first, -q.horizonDays);
      if (churnedOn(a.outcomes, day)) notCustomers += 1;
      else positives.push({ accountId: a.accountId, day, outcome: true });
    }
  }
  const days = positives.map((p) => p.day).sort();
  const items: SampleItem[] = [...positives];
  if (days.length > 0)
    for (const a of negatives) {
      const day = days[hashOf(a.accountId) % days.length]!;
      if (churnedOn(a.outcomes, day)) notCustomers += 1;
      else items.push({ accountId: a.accountId, day, outcome: false });
    }
  return {
    items,
    withOutcome: positives.length + (accounts.length - negatives.length - positives.length),
    withoutOutcome: negatives.length,
    notCustomers,
  };
}

/** The days whose values scoring the sample with these measures reads: each item's day, and the trend's past days. */
export function daysToRead(
  items: readonly SampleItem[],
  measures: readonly Measure[],
): { accountId: string; day: string }[] {
  const offsets = new Set([0]);
  for (const m of measures) if (m.method.kind === 'trend') offsets.add(m.method.days);
  const out: { accountId: string; day: string }[] = [];
  for (const item of items)
    for (const days of offsets) out.push({ accountId: item.accountId, day: addDays(item.day, -days) });
  return out;
}

/** At most this many peer values are handed to a percentile measure: quantiles of the pooled values. */
export const PEER_QUANTILES = 201;

/**
 * The peers of a percentile measure: the metric's values over the whole sample (each account on
 * its day). Up to PEER_QUANTILES values they are all given (less the account's own); beyond, their
 * PEER_QUANTILES evenly spaced quantiles, which give the same percentile rank within 1/200.
 */
function peerValues(values: readonly number[]): readonly number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= PEER_QUANTILES) return sorted;
  return Array.from(
    { length: PEER_QUANTILES },
    (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (PEER_QUANTILES - 1))]!,
  );
}

/** A sample item as scored: score and band, null when none of the measures had data. */
export interface ScoredItem extends SampleItem {
  readonly score: number | null;
  readonly band: Band | null;
}

/**
 * Scores each item with the scorecard's measures on the values it had on its day, through the
 * same calculation as the live scoring (calculateHealthScore): a trend measure compares with the
 * value `days` before that day, a percentile measure ranks among the sample's values (see
 * peerValues). `valuesOn` answers the values in effect at the end of a day (the latest point at
 * or before it), undefined when there is none.
 */
export function scoreSample(
  items: readonly SampleItem[],
  card: { readonly measures: readonly Measure[]; readonly bands: Bands },
  valuesOn: (accountId: string, day: string) => MetricValues | undefined,
): ScoredItem[] {
  const value = (v: MetricValues | undefined, metric: string): number | null => {
    const x = v?.[metric];
    return typeof x === 'number' && Number.isFinite(x) ? x : null;
  };
  const peers = new Map<string, { all: readonly number[]; summarised: boolean }>();
  for (const m of card.measures)
    if (m.method.kind === 'percentile' && !peers.has(m.metric)) {
      const all = items
        .map((i) => value(valuesOn(i.accountId, i.day), m.metric))
        .filter((x): x is number => x !== null);
      peers.set(m.metric, { all: peerValues(all), summarised: all.length > PEER_QUANTILES });
    }
  return items.map((item) => {
    const now = valuesOn(item.accountId, item.day);
    if (now === undefined) return { ...item, score: null, band: null };
    const inputs = new Map<string, MeasureInput>();
    for (const m of card.measures) {
      const v = value(now, m.metric);
      if (m.method.kind === 'trend')
        inputs.set(m.id, {
          value: v,
          previous: value(valuesOn(item.accountId, addDays(item.day, -m.method.days)), m.metric),
        });
      else if (m.method.kind === 'percentile') {
        const pool = peers.get(m.metric)!;
        // The account's own value is left out of its peers, as the live scoring does.
        const own = pool.summarised || v === null ? -1 : pool.all.indexOf(v);
        inputs.set(m.id, {
          value: v,
          peers: own < 0 ? pool.all : [...pool.all.slice(0, own), ...pool.all.slice(own + 1)],
        });
      } else inputs.set(m.id, { value: v });
    }
    const result = calculateHealthScore(card.measures, inputs, card.bands);
    return { ...item, score: result.score, band: result.band };
  });
}

/** What a backtest answers for one scorecard. */
export interface BacktestReport {
  /**
   * The probability that an account with the outcome is ranked as more at risk than one without
   * it (a lower score; for renewal, a higher one); 0.5 is chance, null without both groups.
   */
  readonly auc: number | null;
  readonly byBand: readonly OutcomeRate[];
  /** Red as the warning: for churn and contraction, that the outcome follows; for renewal, that it does not. */
  readonly red: PrecisionRecall;
  readonly calibration: readonly CalibrationRow[];
  readonly counts: {
    readonly scored: number;
    readonly scoredWithOutcome: number;
    /** Items whose account had no values on its day, or none for the scorecard's measures. */
    readonly unscored: number;
  };
}

/** The report of scored items: AUC, outcome rate by band, red's precision and recall, calibration by score decile. */
export function backtestReport(items: readonly ScoredItem[], outcome: Outcome): BacktestReport {
  const scored = items.filter((i): i is ScoredItem & { score: number; band: Band } => i.score !== null);
  const goodOutcome = outcome === 'renewal';
  return {
    auc: rocAuc(scored.map((i) => ({ risk: goodOutcome ? i.score : 100 - i.score, outcome: i.outcome }))),
    byBand: outcomeRateByGroup(scored, ['red', 'yellow', 'green'], (i) => i.band),
    red: precisionRecall(
      scored.map((i) => ({ flagged: i.band === 'red', outcome: goodOutcome ? !i.outcome : i.outcome })),
    ),
    calibration: calibrationByDecile(scored.map((i) => ({ risk: i.score, outcome: i.outcome }))),
    counts: {
      scored: scored.length,
      scoredWithOutcome: scored.filter((i) => i.outcome).length,
      unscored: items.length - scored.length,
    },
  };
}
