import { accountFacts, usageDay } from '../../../test/factories';
import { metricValues } from './metrics';

const asOf = new Date('2026-06-30T12:00:00Z');
const day = usageDay;
const facts = accountFacts;

describe('metricValues', () => {
  it.each([
    // [what, facts, metric, expected]
    ['active users over seats', facts({ activeUsers: new Map([[30, 4]]) }), 'active_users_ratio_30d', 0.4],
    ['active users capped at 1', facts({ activeUsers: new Map([[30, 14]]) }), 'active_users_ratio_30d', 1],
    ['no seats: no ratio', facts({ seats: null }), 'active_users_ratio_30d', null],
    [
      'sign-ins inside 7 days only (the 7th day back counts, the 8th not)',
      facts({
        days: [
          day('2026-06-30', { signIns: 2 }),
          day('2026-06-24', { signIns: 3 }),
          day('2026-06-23', { signIns: 5 }),
        ],
      }),
      'sign_ins_7d',
      5,
    ],
    [
      'sign-ins over 30 days',
      facts({
        days: [
          day('2026-06-01', { signIns: 1 }),
          day('2026-05-31', { signIns: 1 }),
          day('2026-06-30', { signIns: 2 }),
        ],
      }),
      'sign_ins_30d',
      3,
    ],
    [
      'days since the last sign-in',
      facts({ lastSignInAt: new Date('2026-05-21T12:00:00Z') }),
      'days_since_last_sign_in',
      40,
    ],
    ['never signed in: no data', facts(), 'days_since_last_sign_in', null],
    [
      'key features adopted out of the catalog',
      facts({ keyFeatures: ['a', 'b', 'c', 'd'], featuresUsed: ['a', 'c', 'x'] }),
      'key_features_adopted',
      0.5,
    ],
    ['no catalog: no data', facts({ featuresUsed: ['a'] }), 'key_features_adopted', null],
    [
      'onboarding completion',
      facts({ milestones: ['one', 'two', 'three', 'four'], onboardingDone: ['one', 'three', 'other'] }),
      'onboarding_completion',
      0.5,
    ],
    [
      'open tickets',
      facts({
        recentTickets: [
          { priority: 'P1', resolved: false },
          { priority: 'P3', resolved: true },
          { priority: null, resolved: false },
        ],
      }),
      'open_tickets_30d',
      2,
    ],
    [
      'P1 tickets, open or resolved',
      facts({
        recentTickets: [
          { priority: 'P1', resolved: false },
          { priority: 'p1', resolved: true },
          { priority: 'P2', resolved: false },
        ],
      }),
      'p1_tickets_30d',
      2,
    ],
    ['latest NPS', facts({ latestNps: 9 }), 'latest_nps', 9],
    [
      'average CSAT over 90 days',
      facts({
        days: [
          day('2026-06-01', { csatSum: 9, csatCount: 2 }),
          day('2026-03-01', { csatSum: 1, csatCount: 1 }),
        ],
      }),
      'avg_csat_90d',
      4.5,
    ],
    [
      'MRR change against 90 days ago',
      facts({
        mrrPoints: [
          { at: new Date('2026-01-01T00:00:00Z'), mrr: 1000 },
          { at: new Date('2026-06-01T00:00:00Z'), mrr: 1200 },
        ],
      }),
      'mrr_change_90d',
      0.2,
    ],
    [
      'MRR unknown 90 days ago: no data',
      facts({ mrrPoints: [{ at: new Date('2026-06-01T00:00:00Z'), mrr: 1200 }] }),
      'mrr_change_90d',
      null,
    ],
    [
      'engagement events over 90 days',
      facts({
        days: [
          day('2026-06-10', { engagementEvents: 2 }),
          day('2026-04-02', { engagementEvents: 1 }),
          day('2026-03-01', { engagementEvents: 7 }),
        ],
      }),
      'engagement_events_90d',
      3,
    ],
    [
      'outcomes over 90 days',
      facts({ days: [day('2026-06-10', { outcomes: 4 })] }),
      'outcomes_reported_90d',
      4,
    ],
  ] as const)('%s', (_what, f, metric, expected) => {
    const value = metricValues(f, asOf).get(metric);
    if (expected === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(expected, 10);
  });

  it('reads the windows as of another day, for trend measures', () => {
    const f = facts({ days: [day('2026-06-29', { signIns: 4 }), day('2026-05-25', { signIns: 6 })] });
    expect(metricValues(f, new Date('2026-05-31T00:00:00Z')).get('sign_ins_7d')).toBe(6);
    expect(metricValues(f, asOf).get('sign_ins_7d')).toBe(4);
  });
});
