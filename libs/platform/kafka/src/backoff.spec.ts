import fc from 'fast-check';
import { backoffDelay } from './backoff';

describe('backoffDelay (exponential, equal jitter)', () => {
  it('stays between half and all of the exponential ceiling, capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, base, cap, r) => {
          const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
          const delay = backoffDelay(attempt, base, cap, () => r);
          return delay >= Math.floor(ceiling / 2) && delay <= Math.ceil(ceiling);
        },
      ),
    );
  });

  it.each([
    // attempt, base, cap, random, expected: half the ceiling plus random times the other half
    [1, 100, 30_000, 0, 50],
    [1, 100, 30_000, 1, 100],
    [3, 100, 30_000, 0, 200],
    [3, 100, 30_000, 0.5, 300],
    [3, 100, 30_000, 1, 400],
    [20, 100, 1_000, 0, 500],
    [20, 100, 1_000, 1, 1_000],
  ])('attempt %i, base %i, cap %i, random %d waits %i ms', (attempt, base, cap, r, expected) => {
    expect(backoffDelay(attempt, base, cap, () => r)).toBe(expected);
  });

  it('never waits nothing: the lowest draw still waits half the ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 5000 }), (attempt, base) => {
        return backoffDelay(attempt, base, 30_000, () => 0) >= 1;
      }),
    );
  });

  it('spreads clients out: different draws give different delays', () => {
    const draws = [0, 0.25, 0.5, 0.75, 1].map((r) => backoffDelay(4, 1000, 30_000, () => r));
    expect(new Set(draws).size).toBe(draws.length);
  });

  it('grows with the attempt number until the cap', () => {
    const mid = () => 0.5;
    const delays = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 100, 30_000, mid));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(delays[3]).toBeGreaterThan(delays[0]!);
    expect(backoffDelay(30, 100, 1_000, mid)).toBeLessThanOrEqual(1_000);
  });
});
