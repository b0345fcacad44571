import fc from 'fast-check';
import { usageDay } from '../../../test/factories';
import { UsageDay } from './metrics';
import { AccountPast, endOfDay, factsAsOf, isHistorical } from './past-facts';

const day = (d: string, over: Partial<UsageDay> = {}) => usageDay(d, { events: 1, ...over });
const at = (iso: string) => new Date(iso);

/** One account's past over March: sign-ins on the 1st and the 20th, NPS 2 then 10, a ticket, a feature. */
const past: AccountPast = {
  days: [day('2026-03-01', { signIns: 2 }), day('2026-03-10'), day('2026-03-20', { signIns: 1 })],
  userDays: [
    { day: '2026-03-01', userId: 'a' },
    { day: '2026-03-01', userId: 'b' },
    { day: '2026-03-20', userId: 'a' },
  ],
  tickets: [{ priority: 'P1', openedAt: at('2026-03-10T09:00:00Z'), resolvedAt: at('2026-03-15T09:00:00Z') }],
  mrrPoints: [
    { at: at('2026-03-01T00:00:00Z'), mrr: 100 },
    { at: at('2026-03-25T00:00:00Z'), mrr: 200 },
  ],
  npsAnswers: [
    { at: at('2026-03-05T10:00:00Z'), score: 2 },
    { at: at('2026-03-18T10:00:00Z'), score: 10 },
  ],
  featureFirstUse: new Map([['Report Exported', at('2026-03-12T10:00:00Z')]]),
};
const profile = {
  seats: 5,
  lastSignInAt: '2026-03-20T15:30:00.000Z',
  onboardingStepsAt: {
    'Invited Team': '2026-03-02T10:00:00.000Z',
    'Connected Data': '2026-03-22T10:00:00.000Z',
  },
};
const settings = {
  keyFeatures: ['Report Exported', 'Dashboard Shared'],
  onboardingMilestones: ['Invited Team', 'Connected Data'],
};

describe('factsAsOf', () => {
  it.each([
    // [as of, last sign-in, latest NPS, features used, onboarding done, open/resolved tickets, active users, MRR points]
    ['2026-03-04T23:59:59.999Z', '2026-03-01T00:00:00.000Z', null, [], ['Invited Team'], [], 2, 1],
    [
      '2026-03-12T23:59:59.999Z',
      '2026-03-01T00:00:00.000Z',
      2,
      ['Report Exported'],
      ['Invited Team'],
      [false],
      2,
      1,
    ],
    [
      '2026-03-20T23:59:59.999Z',
      '2026-03-20T15:30:00.000Z',
      10,
      ['Report Exported'],
      ['Invited Team'],
      [true],
      2,
      1,
    ],
    [
      '2026-03-31T23:59:59.999Z',
      '2026-03-20T15:30:00.000Z',
      10,
      ['Report Exported'],
      ['Invited Team', 'Connected Data'],
      [true],
      1,
      2,
    ],
  ])(
    'as of %s leaves out what happened later',
    (asOf, lastSignIn, nps, features, onboarding, tickets, users, mrrPoints) => {
      const facts = factsAsOf(past, profile, settings, at(asOf));
      expect(facts.lastSignInAt?.toISOString() ?? null).toBe(lastSignIn);
      expect(facts.latestNps).toBe(nps);
      expect(facts.featuresUsed).toEqual(features);
      expect(facts.onboardingDone).toEqual(onboarding);
      expect(facts.recentTickets.map((t) => t.resolved)).toEqual(tickets);
      expect(facts.activeUsers.get(30)).toBe(users);
      expect(facts.mrrPoints).toHaveLength(mrrPoints);
      expect(facts.days.every((d) => d.day <= asOf.slice(0, 10))).toBe(true);
    },
  );

  it('a sign-in known only from the daily totals counts from the start of its day', () => {
    const facts = factsAsOf(
      past,
      { ...profile, lastSignInAt: null },
      settings,
      at('2026-03-25T23:59:59.999Z'),
    );
    expect(facts.lastSignInAt?.toISOString()).toBe('2026-03-20T00:00:00.000Z');
  });

  it('never sees a fact from after the moment, whatever the moment', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2026-02-01'), max: Date.parse('2026-05-01') }), (t) => {
        const asOf = new Date(t);
        const facts = factsAsOf(past, profile, settings, asOf);
        expect(facts.lastSignInAt === null || facts.lastSignInAt.getTime() <= t).toBe(true);
        expect(facts.mrrPoints.every((p) => p.at.getTime() <= t)).toBe(true);
        const answered = past.npsAnswers.filter((a) => a.at.getTime() <= t);
        expect(facts.latestNps).toBe(answered.length > 0 ? answered[answered.length - 1]!.score : null);
      }),
    );
  });
});

describe('endOfDay', () => {
  it('is the last moment of a past day, and now for today', () => {
    const now = at('2026-03-20T08:00:00Z');
    expect(endOfDay('2026-03-19', now).toISOString()).toBe('2026-03-19T23:59:59.999Z');
    expect(endOfDay('2026-03-20', now)).toBe(now);
  });
});

describe('isHistorical', () => {
  const now = at('2026-03-20T12:00:00Z');
  it.each([
    ['sent as history, however recent', { occurredAt: '2026-03-20T11:59:00.000Z', backfill: true }, true],
    ['live and inside the horizon', { occurredAt: '2026-03-19T13:00:00.000Z' }, false],
    ['live but older than the horizon', { occurredAt: '2026-03-19T11:00:00.000Z' }, true],
    ['marked not backfill and recent', { occurredAt: '2026-03-20T11:00:00.000Z', backfill: false }, false],
  ])('%s', (_what, event, expected) => {
    expect(isHistorical(event, now, 24)).toBe(expected);
  });
});
