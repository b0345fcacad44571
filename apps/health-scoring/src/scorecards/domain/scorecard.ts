/** The DEAR categories, plus support, sentiment and contract. */
export const CATEGORIES = [
  'deployment',
  'engagement',
  'adoption',
  'roi',
  'support',
  'sentiment',
  'contract',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a measure reads about an account. */
export const METRICS = [
  'active_users_ratio_30d',
  'sign_ins_7d',
  'sign_ins_30d',
  'days_since_last_sign_in',
  'key_features_adopted',
  'onboarding_completion',
  'open_tickets_30d',
  'p1_tickets_30d',
  'latest_nps',
  'avg_csat_90d',
  'mrr_change_90d',
  'engagement_events_90d',
  'outcomes_reported_90d',
] as const;
export type Metric = (typeof METRICS)[number];

export type Direction = 'higher_is_better' | 'lower_is_better';

/** A band of values and the points (0-100) a value in it earns: from (inclusive) to (exclusive). */
export interface Range {
  readonly from?: number;
  readonly to?: number;
  readonly points: number;
}

export type ScoringMethod =
  | { readonly kind: 'ranges'; readonly ranges: readonly Range[] }
  /** Points from the relative change against `days` ago: 0 % scores 50, +/-`fullAt` scores 100/0. */
  | { readonly kind: 'trend'; readonly days: number; readonly fullAt: number }
  /** Points = the percentile of the value among the accounts of the same segment. */
  | { readonly kind: 'percentile' }
  /** 100 points when the value reaches the threshold (or stays under it, for lower_is_better), else 0. */
  | { readonly kind: 'boolean'; readonly threshold: number };

export interface Measure {
  readonly id: string;
  readonly label: string;
  readonly category: Category;
  readonly metric: Metric;
  readonly method: ScoringMethod;
  readonly direction: Direction;
  readonly weight: number;
}

export interface Bands {
  /** Scores below this are red. */
  readonly red: number;
  /** Scores below this (and not red) are yellow; the rest green. */
  readonly yellow: number;
}

export type Band = 'red' | 'yellow' | 'green';

export const DEFAULT_BANDS: Bands = { red: 40, yellow: 70 };

export function bandOf(score: number, bands: Bands = DEFAULT_BANDS): Band {
  if (score < bands.red) return 'red';
  if (score < bands.yellow) return 'yellow';
  return 'green';
}
