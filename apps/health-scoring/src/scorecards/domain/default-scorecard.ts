import { Category, DEFAULT_BANDS, Bands, Direction, Measure, Metric, Range } from './scorecard';

/** The name of the scorecard every workspace starts with. */
export const DEFAULT_SCORECARD_NAME = 'DEAR (default)';

/** The default scorecard's bands: red below 40, yellow below 70, green from 70. */
export const DEFAULT_SCORECARD_BANDS: Bands = DEFAULT_BANDS;

const measure = (
  metric: Metric,
  label: string,
  category: Category,
  weight: number,
  ranges: readonly Range[],
  direction: Direction = 'higher_is_better',
): Measure => ({
  id: metric,
  label,
  category,
  metric,
  method: { kind: 'ranges', ranges },
  direction,
  weight,
});

/**
 * The default DEAR scorecard: every metric, scored by contiguous ranges open at both ends (every
 * value earns points), with weights summing to 100.
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
    measure('active_users_ratio_30d', 'Seats active in the last 30 days', 'deployment', 15, [
      { to: 0.1, points: 0 },
      { from: 0.1, to: 0.3, points: 25 },
      { from: 0.3, to: 0.5, points: 50 },
      { from: 0.5, to: 0.7, points: 75 },
      { from: 0.7, points: 100 },
    ]),
    // Engagement: are they coming back.
    measure('sign_ins_7d', 'Sign-ins in the last 7 days', 'engagement', 8, [
      { to: 1, points: 10 },
      { from: 1, to: 5, points: 40 },
      { from: 5, to: 15, points: 70 },
      { from: 15, points: 100 },
    ]),
    measure('sign_ins_30d', 'Sign-ins in the last 30 days', 'engagement', 8, [
      { to: 1, points: 0 },
      { from: 1, to: 10, points: 30 },
      { from: 10, to: 40, points: 60 },
      { from: 40, to: 100, points: 85 },
      { from: 100, points: 100 },
    ]),
    measure(
      'days_since_last_sign_in',
      'Days since the last sign-in',
      'engagement',
      12,
      [
        { to: 2, points: 100 },
        { from: 2, to: 7, points: 80 },
        { from: 7, to: 14, points: 50 },
        { from: 14, to: 30, points: 20 },
        { from: 30, points: 0 },
      ],
      'lower_is_better',
    ),
    measure('engagement_events_90d', 'CSM touchpoints in the last 90 days', 'engagement', 4, [
      { to: 1, points: 30 },
      { from: 1, to: 3, points: 70 },
      { from: 3, points: 100 },
    ]),
    // Adoption: do they use what makes the product stick.
    measure('key_features_adopted', 'Share of the key features adopted', 'adoption', 12, [
      { to: 0.2, points: 0 },
      { from: 0.2, to: 0.4, points: 30 },
      { from: 0.4, to: 0.6, points: 55 },
      { from: 0.6, to: 0.8, points: 80 },
      { from: 0.8, points: 100 },
    ]),
    measure('onboarding_completion', 'Share of the onboarding milestones done', 'adoption', 6, [
      { to: 0.25, points: 10 },
      { from: 0.25, to: 0.5, points: 35 },
      { from: 0.5, to: 0.75, points: 60 },
      { from: 0.75, to: 1, points: 80 },
      { from: 1, points: 100 },
    ]),
    // ROI: do they get what they came for.
    measure('outcomes_reported_90d', 'Outcomes reported in the last 90 days', 'roi', 4, [
      { to: 1, points: 30 },
      { from: 1, to: 3, points: 75 },
      { from: 3, points: 100 },
    ]),
    // Support: friction.
    measure(
      'open_tickets_30d',
      'Open tickets from the last 30 days',
      'support',
      5,
      [
        { to: 1, points: 100 },
        { from: 1, to: 3, points: 75 },
        { from: 3, to: 6, points: 40 },
        { from: 6, points: 10 },
      ],
      'lower_is_better',
    ),
    measure(
      'p1_tickets_30d',
      'P1 tickets in the last 30 days',
      'support',
      8,
      [
        { to: 1, points: 100 },
        { from: 1, to: 2, points: 40 },
        { from: 2, to: 3, points: 15 },
        { from: 3, points: 0 },
      ],
      'lower_is_better',
    ),
    // Sentiment: what they say. NPS: 0-6 detractor, 7-8 passive, 9-10 promoter.
    measure('latest_nps', 'Latest NPS answer', 'sentiment', 10, [
      { to: 3, points: 0 },
      { from: 3, to: 5, points: 15 },
      { from: 5, to: 7, points: 35 },
      { from: 7, to: 9, points: 70 },
      { from: 9, points: 100 },
    ]),
    measure('avg_csat_90d', 'Average CSAT (1-5) over 90 days', 'sentiment', 4, [
      { to: 2, points: 0 },
      { from: 2, to: 3, points: 25 },
      { from: 3, to: 4, points: 55 },
      { from: 4, to: 4.5, points: 80 },
      { from: 4.5, points: 100 },
    ]),
    // Contract: is the money growing or shrinking.
    measure('mrr_change_90d', 'MRR change over 90 days', 'contract', 4, [
      { to: -0.2, points: 0 },
      { from: -0.2, to: -0.05, points: 30 },
      { from: -0.05, to: 0.05, points: 70 },
      { from: 0.05, to: 0.2, points: 90 },
      { from: 0.2, points: 100 },
    ]),
  ];
}
