import type { ChurnRisk } from '@tsuzuku/contracts';
import { METRICS, Metric } from '../../scorecards/domain/scorecard';
import type { ChurnPrediction } from './churn-model';
import { parseFeature } from './training-set';

/**
 * What the churn model reads of each account: every metric the scoring keeps per day (usage,
 * adoption, support: tickets, P1s, NPS, CSAT; contract: the MRR's change), each with its 30-day
 * change (see featureRow).
 */
export const CHURN_MODEL_METRICS: readonly Metric[] = METRICS;

/** The metrics that are counts with a long tail: the model reads log(1 + value) (see featureNames). */
export const CHURN_MODEL_LOG_SCALED: readonly Metric[] = [
  'sign_ins_7d',
  'sign_ins_30d',
  'days_since_last_sign_in',
  'open_tickets_30d',
  'p1_tickets_30d',
  'engagement_events_90d',
  'outcomes_reported_90d',
];

/** How many contributions a prediction carries: the largest by absolute size. */
export const TOP_CONTRIBUTIONS = 5;

const METRIC_LABELS: Readonly<Record<Metric, string>> = {
  active_users_ratio_30d: 'active users per seat (30 days)',
  sign_ins_7d: 'sign-ins (7 days)',
  sign_ins_30d: 'sign-ins (30 days)',
  days_since_last_sign_in: 'days since the last sign-in',
  key_features_adopted: 'key features adopted',
  onboarding_completion: 'onboarding completed',
  open_tickets_30d: 'open tickets (30 days)',
  p1_tickets_30d: 'P1 tickets (30 days)',
  latest_nps: 'latest NPS',
  avg_csat_90d: 'average CSAT (90 days)',
  mrr_change_90d: 'MRR change (90 days)',
  engagement_events_90d: 'engagement events (90 days)',
  outcomes_reported_90d: 'outcomes reported (90 days)',
};

/**
 * A feature's name for people: the metric's label (also for its log-scaled value), "change over
 * 30 days" for its trend.
 */
export function featureLabel(feature: string): string {
  const { measure, kind } = parseFeature(feature);
  const label = (METRIC_LABELS as Readonly<Record<string, string>>)[measure] ?? measure;
  return kind === 'change' ? `${label}, change over 30 days` : label;
}

/** Which model made a prediction. */
export interface ChurnModelStamp {
  readonly modelId: string;
  readonly trainedAt: string;
  readonly cutoff: string;
  readonly horizonDays: number;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * A prediction as the account carries it (GET /v1/accounts, cs.accounts.v1): the probability to 6
 * places (the list pages on it exactly) and the TOP_CONTRIBUTIONS largest contributions in log-odds.
 */
export function churnRiskOf(prediction: ChurnPrediction, stamp: ChurnModelStamp): ChurnRisk {
  return {
    probability: round(prediction.probability, 6),
    horizonDays: stamp.horizonDays,
    modelId: stamp.modelId,
    trainedAt: stamp.trainedAt,
    cutoff: stamp.cutoff,
    contributions: prediction.contributions.slice(0, TOP_CONTRIBUTIONS).map((c) => ({
      feature: c.feature,
      label: featureLabel(c.feature),
      // The account's own value: a log-scaled one is shown as it was, not as log(1 + value).
      value:
        c.value !== null && parseFeature(c.feature).kind === 'log' ? round(Math.expm1(c.value), 6) : c.value,
      contribution: round(c.contribution, 4),
    })),
  };
}
