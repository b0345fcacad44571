import { ALERT_RULE_TYPES, AccountUpdatedData } from '@tsuzuku/contracts';
import { AccountOverrides, accountSnapshot } from '../../../test/factories';
import { RuleCondition } from './alert-rule';
import { DAY_MS, Evaluation, ScorePoint, evaluateRule } from './rule-evaluator';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY_MS).toISOString();
const daysAhead = (d: number) => new Date(NOW.getTime() + d * DAY_MS).toISOString();

/** The factories' healthy account, owned, scored 75 by scorecard sc-1. */
const account = (o: AccountOverrides = {}): AccountUpdatedData =>
  accountSnapshot(NOW, {
    owner: 'csm@example.com',
    ...o,
    health: { score: 75, computedScore: 75, scorecardId: 'sc-1', ...o.health },
  });

interface Case {
  readonly name: string;
  readonly rule: RuleCondition;
  readonly account: AccountUpdatedData;
  readonly history?: readonly ScorePoint[];
  readonly outcome: Evaluation['outcome'];
  readonly evidence?: Record<string, unknown>;
}

const cases: Case[] = [
  // score_below
  {
    name: 'score_below: under the threshold',
    rule: { type: 'score_below', params: { threshold: 50, onRedBand: false } },
    account: account({ health: { score: 49.9, band: 'yellow' } }),
    outcome: 'met',
    evidence: { score: 49.9, threshold: 50 },
  },
  {
    name: 'score_below: exactly at the threshold is not below it',
    rule: { type: 'score_below', params: { threshold: 50, onRedBand: false } },
    account: account({ health: { score: 50, band: 'yellow' } }),
    outcome: 'not_met',
  },
  {
    name: 'score_below: a red band is enough when onRedBand',
    rule: { type: 'score_below', params: { threshold: null, onRedBand: true } },
    account: account({ health: { score: 39, band: 'red' } }),
    outcome: 'met',
    evidence: { band: 'red' },
  },
  {
    name: 'score_below: yellow is not red',
    rule: { type: 'score_below', params: { threshold: null, onRedBand: true } },
    account: account({ health: { score: 40, band: 'yellow' } }),
    outcome: 'not_met',
  },
  {
    name: 'score_below: no score yet',
    rule: { type: 'score_below', params: { threshold: 50, onRedBand: true } },
    account: account({ health: { score: null, band: null } }),
    outcome: 'no_data',
  },
  // score_drop
  {
    name: 'score_drop: a drop of exactly N points within D days',
    rule: { type: 'score_drop', params: { points: 15, days: 7 } },
    account: account({ health: { score: 60 } }),
    history: [
      { at: daysAgo(6), score: 75 },
      { at: daysAgo(1), score: 70 },
    ],
    outcome: 'met',
    evidence: { drop: 15, peakScore: 75 },
  },
  {
    name: 'score_drop: one point short',
    rule: { type: 'score_drop', params: { points: 15, days: 7 } },
    account: account({ health: { score: 61 } }),
    history: [{ at: daysAgo(6), score: 75 }],
    outcome: 'not_met',
    evidence: { drop: 14 },
  },
  {
    name: 'score_drop: the high is exactly D days ago (inside the window)',
    rule: { type: 'score_drop', params: { points: 10, days: 7 } },
    account: account({ health: { score: 60 } }),
    history: [{ at: daysAgo(7), score: 90 }],
    outcome: 'met',
    evidence: { drop: 30 },
  },
  {
    name: 'score_drop: the score in effect when the window began counts',
    rule: { type: 'score_drop', params: { points: 10, days: 7 } },
    account: account({ health: { score: 60 } }),
    history: [
      { at: daysAgo(30), score: 95 },
      { at: daysAgo(8), score: 90 },
      { at: daysAgo(2), score: 62 },
    ],
    outcome: 'met',
    evidence: { peakScore: 90, drop: 30 },
  },
  {
    name: 'score_drop: a high that ended before the window does not count',
    rule: { type: 'score_drop', params: { points: 10, days: 7 } },
    account: account({ health: { score: 60 } }),
    history: [
      { at: daysAgo(9), score: 90 },
      { at: daysAgo(8), score: 65 },
      { at: daysAgo(2), score: 62 },
    ],
    outcome: 'not_met',
    evidence: { peakScore: 65, drop: 5 },
  },
  {
    name: 'score_drop: no history at all',
    rule: { type: 'score_drop', params: { points: 10, days: 7 } },
    account: account({ health: { score: 60 } }),
    history: [],
    outcome: 'no_data',
  },
  {
    name: 'score_drop: only points after now (clock skew) are no history',
    rule: { type: 'score_drop', params: { points: 10, days: 7 } },
    account: account({ health: { score: 60 } }),
    history: [{ at: daysAhead(1), score: 90 }],
    outcome: 'no_data',
  },
  {
    name: 'score_drop: no score',
    rule: { type: 'score_drop', params: { points: 10, days: 7 } },
    account: account({ health: { score: null, band: null } }),
    history: [{ at: daysAgo(1), score: 90 }],
    outcome: 'no_data',
  },
  // inactivity
  {
    name: 'inactivity: exactly D days without a sign-in',
    rule: { type: 'inactivity', params: { days: 30 } },
    account: account({ signals: { lastSignInAt: daysAgo(30) } }),
    outcome: 'met',
    evidence: { daysSinceLastSignIn: 30 },
  },
  {
    name: 'inactivity: a minute short of D days',
    rule: { type: 'inactivity', params: { days: 30 } },
    account: account({
      signals: { lastSignInAt: new Date(NOW.getTime() - 30 * DAY_MS + 60_000).toISOString() },
    }),
    outcome: 'not_met',
    evidence: { daysSinceLastSignIn: 29 },
  },
  {
    name: 'inactivity: nobody ever signed in',
    rule: { type: 'inactivity', params: { days: 30 } },
    account: account({ signals: { lastSignInAt: null } }),
    outcome: 'no_data',
  },
  // usage_drop
  {
    name: 'usage_drop: active users down exactly X %',
    rule: { type: 'usage_drop', params: { measure: 'active_users', percent: 50, minPrevious: 1 } },
    account: account({ signals: { activeUsers7d: 5, activeUsersPrev7d: 10 } }),
    outcome: 'met',
    evidence: { dropPercent: 50, previous: 10, current: 5 },
  },
  {
    name: 'usage_drop: events down less than X %',
    rule: { type: 'usage_drop', params: { measure: 'events', percent: 50, minPrevious: 1 } },
    account: account({ signals: { events7d: 51, eventsPrev7d: 100 } }),
    outcome: 'not_met',
    evidence: { dropPercent: 49 },
  },
  {
    name: 'usage_drop: growth is no drop',
    rule: { type: 'usage_drop', params: { measure: 'events', percent: 10, minPrevious: 1 } },
    account: account({ signals: { events7d: 150, eventsPrev7d: 100 } }),
    outcome: 'not_met',
  },
  {
    name: 'usage_drop: nothing in the previous week',
    rule: { type: 'usage_drop', params: { measure: 'active_users', percent: 50, minPrevious: 1 } },
    account: account({ signals: { activeUsers7d: 0, activeUsersPrev7d: 0 } }),
    outcome: 'no_data',
  },
  {
    name: 'usage_drop: a previous week under minPrevious is too small to judge',
    rule: { type: 'usage_drop', params: { measure: 'active_users', percent: 50, minPrevious: 3 } },
    account: account({ signals: { activeUsers7d: 0, activeUsersPrev7d: 2 } }),
    outcome: 'no_data',
  },
  // nps_detractor
  {
    name: 'nps_detractor: exactly the max score',
    rule: { type: 'nps_detractor', params: { maxScore: 6 } },
    account: account({ signals: { latestNps: 6 } }),
    outcome: 'met',
    evidence: { latestNps: 6 },
  },
  {
    name: 'nps_detractor: a passive',
    rule: { type: 'nps_detractor', params: { maxScore: 6 } },
    account: account({ signals: { latestNps: 7 } }),
    outcome: 'not_met',
  },
  {
    name: 'nps_detractor: no answer yet',
    rule: { type: 'nps_detractor', params: { maxScore: 6 } },
    account: account({ signals: { latestNps: null } }),
    outcome: 'no_data',
  },
  // ticket_spike
  {
    name: 'ticket_spike: exactly N tickets within D days (the first day of the window counts)',
    rule: { type: 'ticket_spike', params: { count: 5, days: 7, anyP1: false } },
    account: account({
      signals: {
        ticketDays: [
          { day: daysAgo(6).slice(0, 10), opened: 3, p1: 0 },
          { day: daysAgo(0).slice(0, 10), opened: 2, p1: 0 },
          { day: daysAgo(7).slice(0, 10), opened: 9, p1: 0 },
        ],
      },
    }),
    outcome: 'met',
    evidence: { ticketsOpened: 5 },
  },
  {
    name: 'ticket_spike: one short, tickets before the window left out',
    rule: { type: 'ticket_spike', params: { count: 5, days: 7, anyP1: false } },
    account: account({
      signals: {
        ticketDays: [
          { day: daysAgo(3).slice(0, 10), opened: 4, p1: 1 },
          { day: daysAgo(8).slice(0, 10), opened: 9, p1: 0 },
        ],
      },
    }),
    outcome: 'not_met',
    evidence: { ticketsOpened: 4 },
  },
  {
    name: 'ticket_spike: any P1 when anyP1',
    rule: { type: 'ticket_spike', params: { count: 5, days: 7, anyP1: true } },
    account: account({ signals: { ticketDays: [{ day: daysAgo(2).slice(0, 10), opened: 1, p1: 1 }] } }),
    outcome: 'met',
    evidence: { p1Opened: 1 },
  },
  {
    name: 'ticket_spike: no tickets at all',
    rule: { type: 'ticket_spike', params: { count: 1, days: 30, anyP1: true } },
    account: account(),
    outcome: 'not_met',
    evidence: { ticketsOpened: 0 },
  },
  {
    name: 'ticket_spike: figures computed before the window began',
    rule: { type: 'ticket_spike', params: { count: 1, days: 7, anyP1: true } },
    account: account({ signals: { asOf: daysAgo(8) } }),
    outcome: 'no_data',
  },
  // renewal_risk
  {
    name: 'renewal_risk: renewal exactly D days away, yellow',
    rule: { type: 'renewal_risk', params: { days: 90, bands: ['red', 'yellow'] } },
    account: account({ renewalDate: daysAhead(90), health: { score: 55, band: 'yellow' } }),
    outcome: 'met',
    evidence: { daysUntilRenewal: 90 },
  },
  {
    name: 'renewal_risk: renewal a day further than D',
    rule: { type: 'renewal_risk', params: { days: 90, bands: ['red', 'yellow'] } },
    account: account({ renewalDate: daysAhead(91), health: { score: 30, band: 'red' } }),
    outcome: 'not_met',
  },
  {
    name: 'renewal_risk: green health is no risk',
    rule: { type: 'renewal_risk', params: { days: 90, bands: ['red', 'yellow'] } },
    account: account({ renewalDate: daysAhead(10) }),
    outcome: 'not_met',
  },
  {
    name: 'renewal_risk: a renewal date in the past',
    rule: { type: 'renewal_risk', params: { days: 90, bands: ['red'] } },
    account: account({ renewalDate: daysAgo(1), health: { score: 10, band: 'red' } }),
    outcome: 'not_met',
  },
  {
    name: 'renewal_risk: no renewal date',
    rule: { type: 'renewal_risk', params: { days: 90, bands: ['red'] } },
    account: account({ renewalDate: null, health: { score: 10, band: 'red' } }),
    outcome: 'no_data',
  },
  // onboarding_stalled
  {
    name: 'onboarding_stalled: under X % exactly D days after first seen',
    rule: { type: 'onboarding_stalled', params: { percent: 100, days: 30 } },
    account: account({ firstSeenAt: daysAgo(30), signals: { metrics: { onboarding_completion: 0.5 } } }),
    outcome: 'met',
    evidence: { completionPercent: 50, accountAgeDays: 30 },
  },
  {
    name: 'onboarding_stalled: exactly X % is not under it',
    rule: { type: 'onboarding_stalled', params: { percent: 50, days: 30 } },
    account: account({ firstSeenAt: daysAgo(40), signals: { metrics: { onboarding_completion: 0.5 } } }),
    outcome: 'not_met',
  },
  {
    name: 'onboarding_stalled: too young to call it stalled',
    rule: { type: 'onboarding_stalled', params: { percent: 100, days: 30 } },
    account: account({ firstSeenAt: daysAgo(29), signals: { metrics: { onboarding_completion: 0 } } }),
    outcome: 'not_met',
  },
  {
    name: 'onboarding_stalled: the workspace has no milestones',
    rule: { type: 'onboarding_stalled', params: { percent: 100, days: 30 } },
    account: account({ signals: { metrics: { onboarding_completion: null } } }),
    outcome: 'no_data',
  },
  // expansion_signal
  {
    name: 'expansion_signal: active users exactly X % of seats',
    rule: { type: 'expansion_signal', params: { seatUsagePercent: 90, promoterMinScore: null } },
    account: account({ seats: 10, signals: { activeUsers30d: 9 } }),
    outcome: 'met',
    evidence: { seatUsagePercent: 90 },
  },
  {
    name: 'expansion_signal: a promoter',
    rule: { type: 'expansion_signal', params: { seatUsagePercent: 90, promoterMinScore: 9 } },
    account: account({ seats: 10, signals: { activeUsers30d: 2, latestNps: 9 } }),
    outcome: 'met',
    evidence: { latestNps: 9 },
  },
  {
    name: 'expansion_signal: neither',
    rule: { type: 'expansion_signal', params: { seatUsagePercent: 90, promoterMinScore: 9 } },
    account: account({ seats: 10, signals: { activeUsers30d: 8, latestNps: 8 } }),
    outcome: 'not_met',
  },
  {
    name: 'expansion_signal: no seats and no NPS answer',
    rule: { type: 'expansion_signal', params: { seatUsagePercent: 90, promoterMinScore: 9 } },
    account: account({ seats: null, signals: { latestNps: null } }),
    outcome: 'no_data',
  },
  // churn_risk_above
  {
    name: 'churn_risk_above: a probability above the threshold',
    rule: { type: 'churn_risk_above', params: { probability: 0.5, topContributions: 2 } },
    account: account({ churnRisk: churnRisk(0.51) }),
    outcome: 'met',
    evidence: { probability: 0.51, threshold: 0.5, horizonDays: 90, modelId: 'model-1' },
  },
  {
    name: 'churn_risk_above: exactly at the threshold is not above it',
    rule: { type: 'churn_risk_above', params: { probability: 0.5, topContributions: 2 } },
    account: account({ churnRisk: churnRisk(0.5) }),
    outcome: 'not_met',
  },
  {
    name: 'churn_risk_above: no model for the workspace (null)',
    rule: { type: 'churn_risk_above', params: { probability: 0.01, topContributions: 2 } },
    account: account({ churnRisk: null }),
    outcome: 'no_data',
  },
  {
    name: 'churn_risk_above: a message from before predictions existed (absent)',
    rule: { type: 'churn_risk_above', params: { probability: 0.01, topContributions: 2 } },
    account: account(),
    outcome: 'no_data',
  },
];

/** A prediction whose contributions are out of order, with one lowering the risk. */
function churnRisk(probability: number): NonNullable<AccountUpdatedData['churnRisk']> {
  return {
    probability,
    horizonDays: 90,
    modelId: 'model-1',
    trainedAt: '2026-06-01T00:00:00.000Z',
    cutoff: '2026-03-03',
    contributions: [
      { feature: 'latest_nps', label: 'Latest NPS answer', value: 9, contribution: -0.9 },
      { feature: 'open_p1_tickets', label: 'Open P1 tickets', value: 2, contribution: 0.4 },
      {
        feature: 'days_since_last_sign_in',
        label: 'Days since the last sign-in',
        value: 45,
        contribution: 1.25,
      },
      {
        feature: 'seats_active_30d',
        label: 'Seats active in the last 30 days',
        value: null,
        contribution: 0.1,
      },
    ],
  };
}

describe('churn_risk_above', () => {
  const rule: RuleCondition = { type: 'churn_risk_above', params: { probability: 0.5, topContributions: 2 } };

  it('explains the alert by the contributions that raise the risk most, biggest first', () => {
    const result = evaluateRule(rule, account({ churnRisk: churnRisk(0.72) }), [], NOW);
    expect(result).toMatchObject({
      outcome: 'met',
      summary:
        'Churn risk 72% within 90 days (above 50%): Days since the last sign-in = 45 (+1.25); Open P1 tickets = 2 (+0.4)',
      evidence: { topContributions: 'Days since the last sign-in = 45 (+1.25); Open P1 tickets = 2 (+0.4)' },
    });
  });

  it('raises only strictly above the threshold, whatever the threshold', () => {
    for (const threshold of [0.05, 0.3, 0.5, 0.77, 0.95])
      for (const probability of [0, 0.049, 0.3, 0.3001, 0.5, 0.76, 0.9, 1]) {
        const r: RuleCondition = {
          type: 'churn_risk_above',
          params: { probability: threshold, topContributions: 3 },
        };
        const outcome = evaluateRule(r, account({ churnRisk: churnRisk(probability) }), [], NOW).outcome;
        expect([threshold, probability, outcome]).toEqual([
          threshold,
          probability,
          probability > threshold ? 'met' : 'not_met',
        ]);
      }
  });
});

describe('evaluateRule', () => {
  it.each(cases)('$name', ({ rule, account: a, history, outcome, evidence }) => {
    const result = evaluateRule(rule, a, history ?? [], NOW);
    expect(result.outcome).toBe(outcome);
    if (evidence) {
      if (result.outcome === 'no_data') throw new Error('expected evidence');
      expect(result.evidence).toMatchObject(evidence);
    }
    if (result.outcome === 'no_data') expect(result.reason.length).toBeGreaterThan(0);
    else expect(result.summary.length).toBeGreaterThan(0);
  });

  it('covers every rule type', () => {
    const types = new Set(cases.map((c) => c.rule.type));
    expect([...types].sort()).toEqual([...ALERT_RULE_TYPES].sort());
    for (const type of types)
      expect(cases.filter((c) => c.rule.type === type).map((c) => c.outcome)).toEqual(
        expect.arrayContaining(['met', 'not_met', 'no_data']),
      );
  });

  it('gives the same answer for the same inputs', () => {
    for (const c of cases)
      expect(evaluateRule(c.rule, c.account, c.history ?? [], NOW)).toEqual(
        evaluateRule(c.rule, c.account, c.history ?? [], NOW),
      );
  });
});
