import * as fc from 'fast-check';
import { accountMonths } from './account-months';
import { monthOf, monthStart, parseMonth } from './month';
import {
  MovementType,
  SubscriptionEvent,
  SubscriptionEventKind,
  classifyMovement,
  mrrMovements,
} from './mrr-movements';

const M = 1_000_000;
const at = (iso: string) => Date.parse(iso);
let seq = 0;
const ev = (
  subscriptionId: string,
  kind: SubscriptionEventKind,
  when: string,
  mrr = 0,
): SubscriptionEvent => ({
  eventId: `e${String(++seq).padStart(4, '0')}`,
  subscriptionId,
  kind,
  at: at(when),
  mrr: mrr * M,
});
const moves = (events: SubscriptionEvent[]) =>
  mrrMovements(events).map((m) => [m.type, m.amount / M, m.from / M, m.to / M]);

describe('classifyMovement', () => {
  it.each<[number, number, boolean, MovementType, number]>([
    [0, 100, false, 'new', 100],
    [0, 100, true, 'reactivation', 100],
    [100, 150, true, 'expansion', 50],
    [150, 100, true, 'contraction', 50],
    [100, 0, true, 'churn', 100],
    [1, 0, true, 'churn', 1],
  ])('%d → %d (had MRR before: %s) is %s of %d', (p, n, had, type, amount) => {
    expect(classifyMovement(p, n, had)).toEqual({ type, amount });
  });

  it('refuses an unchanged or negative MRR', () => {
    expect(() => classifyMovement(5, 5, true)).toThrow();
    expect(() => classifyMovement(-1, 5, true)).toThrow();
  });
});

describe('mrrMovements', () => {
  it.each<[string, SubscriptionEvent[], (string | number)[][]]>([
    [
      'every movement type on one subscription',
      [
        ev('s1', 'started', '2026-01-10T00:00:00Z', 100),
        ev('s1', 'changed', '2026-02-05T00:00:00Z', 150),
        ev('s1', 'changed', '2026-03-03T00:00:00Z', 120),
        ev('s1', 'cancelled', '2026-04-01T00:00:00Z'),
        ev('s1', 'started', '2026-05-02T00:00:00Z', 80),
      ],
      // 0→100 new; 100→150 expansion 50; 150→120 contraction 30; 120→0 churn; 0→80 had MRR: reactivation
      [
        ['new', 100, 0, 100],
        ['expansion', 50, 100, 150],
        ['contraction', 30, 150, 120],
        ['churn', 120, 120, 0],
        ['reactivation', 80, 0, 80],
      ],
    ],
    [
      'several subscriptions add up; cancelling one is a contraction',
      [
        ev('a', 'started', '2026-01-01T00:00:00Z', 100),
        ev('b', 'started', '2026-01-15T00:00:00Z', 50),
        ev('a', 'cancelled', '2026-02-01T00:00:00Z'),
        ev('b', 'renewed', '2026-03-01T00:00:00Z', 50),
        ev('b', 'renewed', '2026-04-01T00:00:00Z', 70),
      ],
      // 100; 100+50 = 150 expansion 50; 150→50 contraction 100; renewal at 50 no movement; 50→70 expansion 20
      [
        ['new', 100, 0, 100],
        ['expansion', 50, 100, 150],
        ['contraction', 100, 150, 50],
        ['expansion', 20, 50, 70],
      ],
    ],
    [
      'a contraction to exactly 0 is a churn, on the last subscription only',
      [
        ev('a', 'started', '2026-01-01T00:00:00Z', 100),
        ev('b', 'started', '2026-01-02T00:00:00Z', 40),
        ev('a', 'changed', '2026-02-01T00:00:00Z', 0),
        ev('b', 'changed', '2026-03-01T00:00:00Z', 0),
      ],
      // 100 new; 140 expansion 40; a to 0: 140→40 contraction 100; b to 0: 40→0 churn 40
      [
        ['new', 100, 0, 100],
        ['expansion', 40, 100, 140],
        ['contraction', 100, 140, 40],
        ['churn', 40, 40, 0],
      ],
    ],
    [
      'a churn and a reactivation in the same month',
      [
        ev('s1', 'started', '2026-01-01T00:00:00Z', 100),
        ev('s1', 'cancelled', '2026-02-03T00:00:00Z'),
        ev('s2', 'started', '2026-02-20T00:00:00Z', 120),
      ],
      [
        ['new', 100, 0, 100],
        ['churn', 100, 100, 0],
        ['reactivation', 120, 0, 120],
      ],
    ],
    [
      'events of one instant take effect together: an upgrade by swapping subscriptions',
      [
        ev('old', 'started', '2026-01-01T00:00:00Z', 100),
        ev('old', 'cancelled', '2026-02-01T12:00:00Z'),
        ev('new', 'started', '2026-02-01T12:00:00Z', 130),
      ],
      // not a churn of 100 and a reactivation of 130, but one expansion of 30
      [
        ['new', 100, 0, 100],
        ['expansion', 30, 100, 130],
      ],
    ],
    [
      'events out of order are applied in event-time order',
      [ev('s1', 'changed', '2026-03-01T00:00:00Z', 90), ev('s1', 'started', '2026-01-01T00:00:00Z', 60)],
      [
        ['new', 60, 0, 60],
        ['expansion', 30, 60, 90],
      ],
    ],
    ['no events, no movements', [], []],
  ])('%s', (_name, events, expected) => {
    expect(moves(events)).toEqual(expected);
  });
});

describe('accountMonths', () => {
  const jan = parseMonth('2026-01')!;

  it('gives each month its start, end and movements; a churn and a reactivation in one month', () => {
    const movements = mrrMovements([
      ev('s1', 'started', '2026-01-10T00:00:00Z', 100),
      ev('s1', 'cancelled', '2026-02-03T00:00:00Z'),
      ev('s2', 'started', '2026-02-20T00:00:00Z', 120),
      // exactly at the start of March: belongs to March
      ev('s2', 'changed', '2026-03-01T00:00:00Z', 150),
    ]);
    const rows = accountMonths(movements, jan + 3);
    expect(rows.map((r) => [r.month - jan, r.startMrr / M, r.endMrr / M])).toEqual([
      [0, 0, 100],
      [1, 100, 120],
      [2, 120, 150],
      [3, 150, 150],
    ]);
    expect(rows[1]).toMatchObject({ churnedMrr: 100 * M, reactivationMrr: 120 * M, newMrr: 0 });
    expect(rows[2]).toMatchObject({ expansionMrr: 30 * M, expansions: 1 });
    expect(rows[3]).toMatchObject({ expansionMrr: 0, expansions: 0 });
  });

  it('carries the start of M-11 for trailing-twelve-month retention, and stops when nothing is left', () => {
    const movements = mrrMovements([
      ev('s1', 'started', '2025-01-15T00:00:00Z', 100),
      ev('s1', 'cancelled', '2025-03-15T00:00:00Z'),
    ]);
    const first = parseMonth('2025-01')!;
    const rows = accountMonths(movements, parseMonth('2026-06')!);
    // MRR at the start of 2025-02 and 2025-03 is 100, so the start of M-11 is 100 for
    // M = 2026-01 and 2026-02; 2025-04 .. 2025-12 add nothing and have no row.
    expect(rows.map((r) => r.month - first)).toEqual([0, 1, 2, 12, 13]);
    expect(rows[3]).toMatchObject({ startMrr12: 100 * M, startMrr: 0, endMrr: 0 });
    expect(rows[4]).toMatchObject({ startMrr12: 100 * M });
  });

  it('keeps the movement invariant for random subscription histories', () => {
    const from = Date.UTC(2024, 0, 1);
    const span = 36 * 31 * 86_400_000;
    const event = fc.record({
      subscriptionId: fc.constantFrom('a', 'b', 'c'),
      kind: fc.constantFrom<SubscriptionEventKind>('started', 'changed', 'renewed', 'cancelled'),
      // a few fixed instants make ties likely, as well as month boundaries
      at: fc.oneof(
        fc.integer({ min: from, max: from + span }),
        fc.constantFrom(monthStart(monthOf(from) + 3), monthStart(monthOf(from) + 7)),
      ),
      mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50_000 * M })),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (raw) => {
        const events = raw.map((e, i) => ({ ...e, eventId: `p${i}` }));
        const movements = mrrMovements(events);
        const rows = accountMonths(movements, monthOf(from + span) + 1);
        let previousEnd = 0;
        let previousMonth: number | undefined;
        for (const r of rows) {
          const moved = r.newMrr + r.expansionMrr + r.reactivationMrr - r.contractionMrr - r.churnedMrr;
          expect(r.endMrr - r.startMrr).toBe(moved);
          if (previousMonth !== undefined && r.month === previousMonth + 1)
            expect(r.startMrr).toBe(previousEnd);
          previousEnd = r.endMrr;
          previousMonth = r.month;
        }
        // Over the whole history the movements add up to the final MRR.
        const total = movements.reduce(
          (sum, m) => sum + (m.type === 'churn' || m.type === 'contraction' ? -m.amount : m.amount),
          0,
        );
        expect(total).toBe(movements.length ? movements[movements.length - 1]!.to : 0);
        for (const m of movements) expect(m.amount).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
