import { MeasureResult } from '../../scorecards/domain/health-score.calculator';
import { newAccount } from './account-row';
import { accountUpdated, fingerprintOf, healthOf, movers, signalsOf } from './account-payload';
import { accountFacts, usageDay } from '../../../test/factories';
import { UsageDay } from './metrics';

const asOf = new Date('2026-06-30T12:00:00.000Z');
const day = (d: string, events: number, ticketsOpened = 0, p1Opened = 0) =>
  usageDay(d, { events, ticketsOpened, p1Opened });
const facts = (days: UsageDay[]) =>
  accountFacts({
    days,
    activeUsers: new Map([[30, 4]]),
    lastSignInAt: new Date('2026-06-29T08:00:00.000Z'),
    latestNps: 8,
  });
const measure = (measureId: string, contribution: number): MeasureResult => ({
  measureId,
  label: measureId,
  category: 'adoption',
  metric: 'sign_ins_7d',
  value: 1,
  points: 50,
  weight: 1,
  share: 1,
  contribution,
});

describe('signalsOf', () => {
  it('sums events of the last 7 days and of the 7 before, and lists ticket days of the last 30', () => {
    const signals = signalsOf(
      facts([
        day('2026-07-01', 100), // after asOf: not counted
        day('2026-06-30', 3),
        day('2026-06-24', 2, 1, 1), // 6 days back: this week
        day('2026-06-23', 5), // 7 days back: the week before
        day('2026-06-16', 7), // 14 days back: neither
        day('2026-05-31', 1, 2), // 30 days back: outside the ticket window
      ]),
      { d30: 4, d7: 2, prev7: 3 },
      new Map([['sign_ins_7d', 5]]),
      asOf,
      null,
    );
    expect(signals).toMatchObject({
      asOf: asOf.toISOString(),
      events7d: 5,
      eventsPrev7d: 5,
      ticketDays: [{ day: '2026-06-24', opened: 1, p1: 1 }],
      activeUsers7d: 2,
      activeUsersPrev7d: 3,
      activeUsers30d: 4,
      metrics: { sign_ins_7d: 5 },
      lastSignInAt: '2026-06-29T08:00:00.000Z',
      latestNps: 8,
    });
  });

  it('counts no active users for an account without user days', () => {
    const signals = signalsOf(facts([]), undefined, new Map(), asOf, '2026-06-01T00:00:00.000Z');
    expect([signals.activeUsers7d, signals.activeUsersPrev7d, signals.activeUsers30d]).toEqual([0, 0, 0]);
    expect(signals.onboardingCompletedAt).toBe('2026-06-01T00:00:00.000Z');
  });
});

describe('the account payload', () => {
  const row = {
    ...newAccount('w1', 'acct-a', '2026-01-01T00:00:00.000Z'),
    score: 40,
    band: 'red',
    computedScore: 55,
  };

  it('shows the override in force beside the computed score', () => {
    const override = { score: 40, reason: 'sponsor left', author: 'csm@example.com', expiresAt: null };
    expect(healthOf(row, override)).toEqual({
      score: 40,
      band: 'red',
      computedScore: 55,
      coverage: 0,
      scorecardId: null,
      override,
    });
    expect(healthOf(row).override).toBeNull();
  });

  it('fingerprints what account.updated says, not when it was computed', () => {
    const signals = signalsOf(facts([day('2026-06-30', 1)]), undefined, new Map(), asOf, null);
    const later = signalsOf(
      facts([day('2026-06-30', 1)]),
      undefined,
      new Map(),
      new Date(asOf.getTime() + 60_000),
      null,
    );
    const a = accountUpdated(row, signals);
    expect(a).toMatchObject({
      name: null,
      phase: 'onboarding',
      touchModel: 'tech',
      backfill: false,
      asOf: signals.asOf,
    });
    expect(fingerprintOf(accountUpdated(row, later))).toBe(fingerprintOf(a));
    expect(fingerprintOf(accountUpdated({ ...row, score: 41 }, signals))).not.toBe(fingerprintOf(a));
  });
});

describe('movers', () => {
  it('answers the five largest moves by size, rounded to a tenth, new measures counting from zero', () => {
    const before = [
      measure('a', 10),
      measure('b', 5),
      measure('c', 3),
      measure('d', 1),
      measure('e', 2),
      measure('f', 4),
    ];
    const after = [
      measure('a', 10.02), // moved less than a twentieth: rounds to no move
      measure('b', 1),
      measure('c', 9),
      measure('d', 2),
      measure('e', 0),
      measure('f', 4.5),
      measure('g', 7),
    ];
    expect(movers(before, after)).toEqual([
      { measureId: 'g', label: 'g', pointsChange: 7 },
      { measureId: 'c', label: 'c', pointsChange: 6 },
      { measureId: 'b', label: 'b', pointsChange: -4 },
      { measureId: 'e', label: 'e', pointsChange: -2 },
      { measureId: 'd', label: 'd', pointsChange: 1 },
    ]);
  });
});
