import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses until tokens flow back', () => {
    const buckets = new TokenBuckets(10, 3);
    const t = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('k', t).allowed)).toEqual([true, true, true]);
    const refused = buckets.take('k', t);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    // 100 ms at 10/s brings one token back.
    expect(buckets.take('k', t + 100).allowed).toBe(true);
    expect(buckets.take('k', t + 100).allowed).toBe(false);
  });

  it('keeps keys apart', () => {
    const buckets = new TokenBuckets(1, 1);
    expect(buckets.take('a', 0).allowed).toBe(true);
    expect(buckets.take('b', 0).allowed).toBe(true);
    expect(buckets.take('a', 0).allowed).toBe(false);
  });

  it('never holds more than the burst, however long it waited', () => {
    const buckets = new TokenBuckets(100, 5);
    buckets.take('k', 0);
    const after = buckets.take('k', 3_600_000);
    expect(after.remaining).toBe(4);
  });

  it('stays bounded in keys', () => {
    const buckets = new TokenBuckets(1, 1, 10);
    for (let i = 0; i < 50; i++) buckets.take(`k${i}`, 0);
    // the oldest keys were forgotten, so k0 has a full bucket again
    expect(buckets.take('k0', 0).allowed).toBe(true);
  });
});
