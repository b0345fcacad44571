import { Category, DEFAULT_BANDS, Bands, Direction, Measure, Metric } from './scorecard';
import { stepRanges } from './step-ranges';

/** The name of the scorecard every workspace starts with. */
export const DEFAULT_SCORECARD_NAME = 'DEAR (default)';

/** The default scorecard's bands: red below 40, yellow below 70, green from 70. */
export const DEFAULT_SCORECARD_BANDS: Bands = DEFAULT_BANDS;

const measure = (
  metric: Metric,
  label: string,
  category: Category,
  weight: number,
  steps: readonly number[],
  direction: Direction = 'higher_is_better',
): Measure => ({
  id: metric,
  label,
  category,
  metric,
  method: { kind: 'ranges', ranges: stepRanges(steps) },
  direction,
  weight,
});

/** The same measure, its points falling as the value rises. */
const lowerIsBetter = (metric: Metric, label: string, category: Category, weight: number, steps: number[]) =>
  measure(metric, label, category, weight, steps, 'lower_is_better');

/**
 * The default DEAR scorecard: every metric, scored by contiguous ranges open at both ends (every
 * value earns points), with weights summing to 100. Each measure's ranges are a step function
 * (see `stepRanges`): the points below the first bound, then each bound and the points from it.
 *
 * Zero is the worst reading of several counts, yet it is not always alarming: a quiet week, CSM
 * touchpoints or outcomes a workspace does not track, milestones of accounts onboarded before
 * tracking began. Those earn some points at zero, so that the measures that do signal churn (no
 * sign-in for a month, a detractor NPS, P1 tickets, no key feature in use) stand out as the
 * lowest in an account's explanation.
 */
export function defaultMeasures(): Measure[] {
  return [
    // Deployment: how much of what they bought is in use.
    measure(
      'active_users_ratio_30d',
      'Seats active in the last 30 days',
      'deployment',
      15,
      [0, 0.1, 25, 0.3, 50, 0.5, 75, 0.7, 100],
    ),
    // Engagement: are they coming back.
    measure('sign_ins_7d', 'Sign-ins in the last 7 days', 'engagement', 8, [10, 1, 40, 5, 70, 15, 100]),
    measure(
      'sign_ins_30d',
      'Sign-ins in the last 30 days',
      'engagement',
      8,
      [0, 1, 30, 10, 60, 40, 85, 100, 100],
    ),
    lowerIsBetter(
      'days_since_last_sign_in',
      'Days since the last sign-in',
      'engagement',
      12,
      [100, 2, 80, 7, 50, 14, 20, 30, 0],
    ),
    measure(
      'engagement_events_90d',
      'CSM touchpoints in the last 90 days',
      'engagement',
      4,
      [30, 1, 70, 3, 100],
    ),
    // Adoption: do they use what makes the product stick.
    measure(
      'key_features_adopted',
      'Share of the key features adopted',
      'adoption',
      12,
      [0, 0.2, 30, 0.4, 55, 0.6, 80, 0.8, 100],
    ),
    measure(
      'onboarding_completion',
      'Share of the onboarding milestones done',
      'adoption',
      6,
      [10, 0.25, 35, 0.5, 60, 0.75, 80, 1, 100],
    ),
    // ROI: do they get what they came for.
    measure('outcomes_reported_90d', 'Outcomes reported in the last 90 days', 'roi', 4, [30, 1, 75, 3, 100]),
    // Support: friction.
    lowerIsBetter(
      'open_tickets_30d',
      'Open tickets from the last 30 days',
      'support',
      5,
      [100, 1, 75, 3, 40, 6, 10],
    ),
    lowerIsBetter(
      'p1_tickets_30d',
      'P1 tickets in the last 30 days',
      'support',
      8,
      [100, 1, 40, 2, 15, 3, 0],
    ),
    // Sentiment: what they say. NPS: 0-6 detractor, 7-8 passive, 9-10 promoter.
    measure('latest_nps', 'Latest NPS answer', 'sentiment', 10, [0, 3, 15, 5, 35, 7, 70, 9, 100]),
    measure(
      'avg_csat_90d',
      'Average CSAT (1-5) over 90 days',
      'sentiment',
      4,
      [0, 2, 25, 3, 55, 4, 80, 4.5, 100],
    ),
    // Contract: is the money growing or shrinking.
    measure(
      'mrr_change_90d',
      'MRR change over 90 days',
      'contract',
      4,
      [0, -0.2, 30, -0.05, 70, 0.05, 90, 0.2, 100],
    ),
  ];
}
