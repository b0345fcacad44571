import { rocAuc } from './classification-metrics';
import {
  FeatureContribution,
  LogisticModel,
  contributionsOf,
  crossValidatedAuc,
  fitLogistic,
  predictProbability,
} from './logistic-regression';
import {
  AccountTimeline,
  Example,
  addDays,
  examplesAt,
  featureNames,
  featureRow,
  observationDays,
} from './training-set';

/** Days after the observation day within which a churn counts as the outcome. */
export const CHURN_HORIZON_DAYS = 90;
/** Fewer churned accounts than this among the examples, and no model is fitted (the AUCs would be noise). */
export const MIN_CHURNED_ACCOUNTS = 10;
/** Fewer examples than this in all, and no model is fitted. */
export const MIN_EXAMPLES = 50;
/** Share of the observation days (the latest ones) held out for the time-based AUC. */
export const HOLDOUT_SHARE = 0.25;
/**
 * The steps between observation days a training can take, densest first: the densest whose
 * examples fit in MAX_TRAINING_EXAMPLES is taken (trainingPlan). Denser days give more examples of
 * the weeks before a churn: on the demo's history, the mean holdout AUC over six cutoffs was 0.804
 * every 14 days, 0.821 every 7 and 0.840 every 3 (docs/predictions.md).
 */
export const OBSERVATION_STEPS_DAYS = [3, 7, 14, 28] as const;
export const CHURN_MODEL_L2 = 1;
/**
 * At most about this many examples are fitted: a workspace with more accounts is trained on a
 * fixed sample of them (trainingSample), which bounds the memory and the time of a training
 * (measured: 403,013 examples took 57 s and 1.5 GB; see docs/predictions.md).
 */
export const MAX_TRAINING_EXAMPLES = 40_000;

/** FNV-1a of a string: a stable, well-spread order of account ids, the same on every run. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** How a training reads its history: the step between observation days, and the accounts fitted. */
export interface TrainingPlan {
  readonly everyDays: number;
  readonly accountIds: readonly string[];
}

/**
 * The plan of a training at `cutoff` on history from `from`: the densest step of
 * OBSERVATION_STEPS_DAYS at which every account's examples (one per observation day at most) stay
 * within MAX_TRAINING_EXAMPLES; past even the sparsest, that step on a fixed share of the accounts,
 * the same on every run (by a hash of their ids, so neither churned nor staying ones are favoured
 * and a retraining sees the same accounts), in the order given.
 */
export function trainingPlan(accountIds: readonly string[], from: string, cutoff: string): TrainingPlan {
  const perAccount = (step: number) => Math.max(1, churnObservationDays(from, cutoff, step).length);
  for (const step of OBSERVATION_STEPS_DAYS)
    if (accountIds.length * perAccount(step) <= MAX_TRAINING_EXAMPLES)
      return { everyDays: step, accountIds: [...accountIds] };
  const everyDays = OBSERVATION_STEPS_DAYS[OBSERVATION_STEPS_DAYS.length - 1];
  const most = Math.max(1, Math.floor(MAX_TRAINING_EXAMPLES / perAccount(everyDays)));
  const kept = new Set(
    [...accountIds]
      .sort((a, b) => stableHash(a) - stableHash(b) || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, most),
  );
  return { everyDays, accountIds: accountIds.filter((id) => kept.has(id)) };
}

export interface ChurnModelInput {
  readonly timelines: readonly AccountTimeline[];
  /**
   * The names read from each snapshot's values: the scorecard's measures and the contract and
   * support signals (MRR, seats, days to renewal, tickets in 30 days, P1s, latest NPS) as they
   * stood on that day. Each gives a value and a 30-day change.
   */
  readonly measures: readonly string[];
  /** Measures read as log(1 + value): counts with a long tail (see featureNames). */
  readonly logScaled?: readonly string[];
  /** Only what is known by this day (YYYY-MM-DD) is used. */
  readonly cutoff: string;
  /** Days between two observation days (trainingPlan's). */
  readonly everyDays: number;
  /** The first day history is read from. */
  readonly from: string;
}

export type ChurnModelResult =
  | {
      readonly kind: 'model';
      readonly cutoff: string;
      readonly horizonDays: number;
      readonly model: LogisticModel;
      readonly examples: number;
      /** Examples whose outcome is a churn. */
      readonly churns: number;
      readonly churnedAccounts: number;
      readonly crossValidatedAuc: number | null;
      /** AUC on the latest observation days of a model fitted on the earlier ones only. */
      readonly holdoutAuc: number | null;
      readonly holdoutFrom: string | null;
    }
  | {
      readonly kind: 'none';
      readonly cutoff: string;
      readonly examples: number;
      /** Examples whose outcome is a churn. */
      readonly churns: number;
      readonly churnedAccounts: number;
      readonly reason: string;
    };

/** The observation days of a training at `cutoff` on history from `from`. */
export function churnObservationDays(from: string, cutoff: string, everyDays: number): string[] {
  return observationDays(from, addDays(cutoff, -CHURN_HORIZON_DAYS), everyDays);
}

/**
 * The only days whose values a training at `cutoff` and the predictions on `cutoff` read: each
 * observation day and the day 30 days before it (its change), and the cutoff and 30 days before
 * it. A timeline holding the values as they stood on these days trains and predicts exactly as
 * one holding every day.
 */
export function churnModelDays(from: string, cutoff: string, everyDays: number): string[] {
  const days = new Set<string>();
  for (const day of [...churnObservationDays(from, cutoff, everyDays), cutoff]) {
    days.add(day);
    days.add(addDays(day, -30));
  }
  return [...days].sort();
}

/**
 * Trains a workspace's churn model at `cutoff`: examples every `everyDays` days back
 * from cutoff − horizon (examplesAt's rule, so no outcome or value after the cutoff is read) on
 * the features of featureNames (values, log-scaled counts, 30-day changes), a regularised logistic
 * regression on standardised features, 5-fold cross-validated AUC, and a time-based holdout AUC
 * (fit on the earlier days, test on the latest HOLDOUT_SHARE of them). Too little history gives
 * no model and the reason, never a guess.
 */
export function trainChurnModel({
  timelines,
  measures,
  logScaled = [],
  cutoff,
  from,
  everyDays,
}: ChurnModelInput): ChurnModelResult {
  const names = featureNames(measures, { logScaled });
  const days = churnObservationDays(from, cutoff, everyDays);
  // Timelines are cut at the cutoff first: a snapshot or churn after it is never seen.
  const known = timelines.map((t) => truncatedAt(t, cutoff));
  const examples = examplesAt(known, names, {
    observationDays: days,
    horizonDays: CHURN_HORIZON_DAYS,
    cutoff,
  });
  const churns = examples.filter((e) => e.outcome).length;
  const churnedAccounts = new Set(examples.filter((e) => e.outcome).map((e) => e.accountId)).size;
  if (examples.length < MIN_EXAMPLES || churnedAccounts < MIN_CHURNED_ACCOUNTS)
    return {
      kind: 'none',
      cutoff,
      examples: examples.length,
      churns,
      churnedAccounts,
      reason:
        `too little history: ${examples.length} examples, ${churnedAccounts} accounts churning within ` +
        `${CHURN_HORIZON_DAYS} days of one, before ${cutoff}; a model needs at least ${MIN_EXAMPLES} ` +
        `examples and ${MIN_CHURNED_ACCOUNTS} churned accounts`,
    };
  if (churns === examples.length)
    return {
      kind: 'none',
      cutoff,
      examples: examples.length,
      churns,
      churnedAccounts,
      reason: 'every example churned',
    };
  const fit = (set: readonly Example[]) =>
    fitLogistic(
      names,
      set.map((e) => e.row),
      set.map((e) => e.outcome),
      { l2: CHURN_MODEL_L2 },
    );
  const model = fit(examples);
  const cv = crossValidatedAuc(
    names,
    examples.map((e) => e.row),
    examples.map((e) => e.outcome),
    { l2: CHURN_MODEL_L2 },
  );
  const { holdoutAuc, holdoutFrom } = timeHoldout(examples, fit);
  return {
    kind: 'model',
    cutoff,
    horizonDays: CHURN_HORIZON_DAYS,
    model,
    examples: examples.length,
    churns,
    churnedAccounts,
    crossValidatedAuc: cv.meanAuc,
    holdoutAuc,
    holdoutFrom,
  };
}

function timeHoldout(
  examples: readonly Example[],
  fit: (set: readonly Example[]) => LogisticModel,
): { holdoutAuc: number | null; holdoutFrom: string | null } {
  const days = [...new Set(examples.map((e) => e.day))].sort();
  if (days.length < 2) return { holdoutAuc: null, holdoutFrom: null };
  const held = Math.max(1, Math.round(days.length * HOLDOUT_SHARE));
  const holdoutFrom = days[days.length - held]!;
  const train = examples.filter((e) => e.day < holdoutFrom);
  const test = examples.filter((e) => e.day >= holdoutFrom);
  if (!train.some((e) => e.outcome) || !train.some((e) => !e.outcome))
    return { holdoutAuc: null, holdoutFrom };
  const model = fit(train);
  return {
    holdoutAuc: rocAuc(test.map((e) => ({ risk: predictProbability(model, e.row), outcome: e.outcome }))),
    holdoutFrom,
  };
}

/** The timeline as known at the end of `day`: later snapshots and a later churn are dropped. */
export function truncatedAt(timeline: AccountTimeline, day: string): AccountTimeline {
  return {
    accountId: timeline.accountId,
    snapshots: timeline.snapshots.filter((s) => s.day <= day),
    churnedOn: timeline.churnedOn !== null && timeline.churnedOn <= day ? timeline.churnedOn : null,
  };
}

export interface ChurnPrediction {
  readonly probability: number;
  readonly contributions: FeatureContribution[];
}

/**
 * An account's churn probability within the horizon on `day`, its features read as the model's
 * names say; null for a churned account.
 */
export function predictChurn(
  model: LogisticModel,
  timeline: AccountTimeline,
  day: string,
): ChurnPrediction | null {
  if (timeline.churnedOn !== null && timeline.churnedOn <= day) return null;
  const row = featureRow(timeline, day, model.features);
  return { probability: predictProbability(model, row), contributions: contributionsOf(model, row) };
}
