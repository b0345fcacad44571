import fc from 'fast-check';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('stays between half and all of the exponential ceiling, capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, base, r) => {
          const cap = 30_000;
          const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
          const delay = backoffDelay(attempt, base, cap, () => r);
          return delay >= Math.floor(ceiling / 2) && delay <= Math.ceil(ceiling);
        },
      ),
    );
  });

  it('grows with the attempt number until the cap', () => {
    const mid = () => 0.5;
    const delays = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 100, 30_000, mid));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(delays[3]).toBeGreaterThan(delays[0]!);
    expect(backoffDelay(30, 100, 1_000, mid)).toBeLessThanOrEqual(1_000);
  });
});
