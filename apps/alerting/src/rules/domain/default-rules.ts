import { DEFAULT_GRACE_DAYS, EVERY_ACCOUNT, RuleDefinition } from './alert-rule';

const DAY_MINUTES = 24 * 60;

/** The rules every workspace starts with: one per type, watching every account. */
export function defaultRules(): RuleDefinition[] {
  const base = {
    scope: EVERY_ACCOUNT,
    enabled: true,
    cooldownMinutes: DAY_MINUTES,
    graceDays: DEFAULT_GRACE_DAYS,
  };
  return [
    {
      ...base,
      name: 'Health turned red',
      type: 'score_below',
      severity: 'high',
      params: { threshold: 40, onRedBand: true },
    },
    {
      ...base,
      name: 'Health score dropped',
      type: 'score_drop',
      severity: 'medium',
      params: { points: 15, days: 7 },
    },
    { ...base, name: 'No sign-in for 30 days', type: 'inactivity', severity: 'high', params: { days: 30 } },
    {
      ...base,
      name: 'Active users down week over week',
      type: 'usage_drop',
      severity: 'medium',
      params: { measure: 'active_users', percent: 50, minPrevious: 3 },
    },
    {
      ...base,
      name: 'NPS detractor',
      type: 'nps_detractor',
      severity: 'medium',
      params: { maxScore: 6 },
    },
    {
      ...base,
      name: 'Ticket spike',
      type: 'ticket_spike',
      severity: 'high',
      params: { count: 5, days: 7, anyP1: true },
    },
    {
      ...base,
      name: 'Renewal at risk',
      type: 'renewal_risk',
      severity: 'critical',
      params: { days: 90, bands: ['red', 'yellow'] },
    },
    {
      ...base,
      name: 'Onboarding stalled',
      type: 'onboarding_stalled',
      severity: 'medium',
      params: { percent: 100, days: 30 },
    },
    {
      ...base,
      name: 'Expansion opportunity',
      type: 'expansion_signal',
      severity: 'info',
      cooldownMinutes: 30 * DAY_MINUTES,
      params: { seatUsagePercent: 90, promoterMinScore: 9 },
    },
    {
      ...base,
      name: 'Churn risk above 50%',
      type: 'churn_risk_above',
      severity: 'high',
      params: { probability: 0.5, topContributions: 3 },
    },
  ];
}
