import fc from 'fast-check';
import { backoffDelay } from './backoff';

describe('backoffDelay (full jitter)', () => {
  it('draws uniformly from zero to the capped exponential ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, base, cap, r) => {
          const ceiling = Math.min(cap, base * 2 ** Math.min(attempt - 1, 30));
          const delay = backoffDelay(attempt, base, cap, () => r);
          return delay >= 0 && delay <= ceiling && Math.abs(delay - r * ceiling) <= 0.5;
        },
      ),
    );
  });

  it('reaches zero at the bottom of the range (equal jitter never went below half)', () => {
    expect(backoffDelay(3, 100, 30_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 30_000, () => 1)).toBe(400);
  });

  it('grows with the attempt number until the cap', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, 100, 30_000, top))).toEqual([
      100, 200, 400, 800,
    ]);
    expect(backoffDelay(40, 100, 1_000, top)).toBe(1_000);
  });
});
