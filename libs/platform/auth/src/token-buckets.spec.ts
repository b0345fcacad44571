import fc from 'fast-check';
import { TokenBuckets, chargeAll, rateLimitHeaders } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses until tokens flow back', () => {
    const buckets = new TokenBuckets(10, 3);
    const t = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('k', 1, t).allowed)).toEqual([true, true, true]);
    const refused = buckets.take('k', 1, t);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    // 100 ms at 10/s brings one token back.
    expect(buckets.take('k', 1, t + 100).allowed).toBe(true);
    expect(buckets.take('k', 1, t + 100).allowed).toBe(false);
  });

  it('keeps keys apart', () => {
    const buckets = new TokenBuckets(1, 1);
    expect(buckets.take('a', 1, 0).allowed).toBe(true);
    expect(buckets.take('b', 1, 0).allowed).toBe(true);
    expect(buckets.take('a', 1, 0).allowed).toBe(false);
  });

  it('never holds more than the burst, however long it waited', () => {
    const buckets = new TokenBuckets(100, 5);
    buckets.take('k', 1, 0);
    const after = buckets.take('k', 1, 3_600_000);
    expect(after.remaining).toBe(4);
  });

  it('stays bounded in keys', () => {
    const buckets = new TokenBuckets(1, 1, 10);
    for (let i = 0; i < 50; i++) buckets.take(`k${i}`, 1, 0);
    // the oldest keys were forgotten, so k0 has a full bucket again
    expect(buckets.take('k0', 1, 0).allowed).toBe(true);
  });

  it('charges a cost, and says when a refused cost fits', () => {
    const buckets = new TokenBuckets(100, 1000);
    expect(buckets.take('k', 900, 0)).toMatchObject({ allowed: true, remaining: 100, resetSeconds: 9 });
    const refused = buckets.take('k', 300, 0);
    // 200 more tokens are needed at 100/s.
    expect(refused).toMatchObject({ allowed: false, remaining: 100, resetSeconds: 2 });
    expect(buckets.take('k', 300, 2000).allowed).toBe(true);
  });

  it('admits a cost above the burst only on a full bucket, and the debt is paid back first', () => {
    const buckets = new TokenBuckets(10, 100);
    expect(buckets.take('k', 150, 0)).toMatchObject({ allowed: true, remaining: 0 });
    // 50 tokens of debt: after 5 s the bucket is back at zero, not yet at one.
    expect(buckets.take('k', 1, 5000).allowed).toBe(false);
    expect(buckets.take('k', 1, 5100).allowed).toBe(true);
  });

  it('check decides as take would, without taking', () => {
    const buckets = new TokenBuckets(1, 2);
    expect(buckets.check('k', 2, 0).allowed).toBe(true);
    expect(buckets.check('k', 2, 0).allowed).toBe(true);
    expect(buckets.take('k', 2, 0).allowed).toBe(true);
    expect(buckets.check('k', 1, 0).allowed).toBe(false);
  });

  it('never admits more than the burst, the refill and one oversized cost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 })), {
          maxLength: 200,
        }),
        (rate, burst, takes) => {
          const buckets = new TokenBuckets(rate, burst);
          let now = 0;
          let admitted = 0;
          let largest = 0;
          for (const [cost, wait] of takes) {
            now += wait;
            if (buckets.take('k', cost, now).allowed) admitted += cost;
            largest = Math.max(largest, cost);
          }
          return admitted <= burst + (rate * now) / 1000 + Math.max(0, largest - burst) + 1e-6;
        },
      ),
    );
  });
});

describe('chargeAll', () => {
  it('admits only when every limit has room, and then charges every one', () => {
    const requests = new TokenBuckets(1, 10);
    const events = new TokenBuckets(1, 100);
    const decision = chargeAll(
      [
        { buckets: requests, key: 'k', cost: 1 },
        { buckets: events, key: 'k', cost: 90 },
      ],
      0,
    );
    // The events limit is the one closer to exhaustion (10 of 100 left, against 9 of 10).
    expect(decision).toMatchObject({ allowed: true, limit: 100, remaining: 10 });
    const refused = chargeAll(
      [
        { buckets: requests, key: 'k', cost: 1 },
        { buckets: events, key: 'k', cost: 50 },
      ],
      0,
    );
    expect(refused).toMatchObject({ allowed: false, limit: 100, resetSeconds: 40 });
    // The refused request cost nothing: 9 requests are left.
    expect(requests.check('k', 9, 0).allowed).toBe(true);
    expect(requests.check('k', 10, 0).allowed).toBe(false);
  });

  it('gives the RateLimit headers, with Retry-After only on a refusal', () => {
    expect(rateLimitHeaders({ allowed: true, limit: 10, remaining: 3, resetSeconds: 7 })).toEqual({
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '3',
      'RateLimit-Reset': '7',
    });
    expect(rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, resetSeconds: 2 })).toMatchObject({
      'Retry-After': '2',
      'RateLimit-Remaining': '0',
    });
  });
});

describe('TokenBuckets.resize', () => {
  it('cuts full buckets to the new burst and refills at the new rate; new keys start at the new burst', () => {
    const buckets = new TokenBuckets(10, 20);
    const t = 1_000_000;
    expect(buckets.take('k', 5, t).remaining).toBe(15);
    buckets.resize(5, 10, t);
    expect(buckets.check('k', 1, t)).toMatchObject({ limit: 10, remaining: 10 });
    expect(buckets.take('k', 10, t).allowed).toBe(true);
    expect(buckets.take('k', 1, t).allowed).toBe(false);
    // 1 s at 5/s.
    expect(buckets.check('k', 1, t + 1_000).remaining).toBe(5);
    expect(buckets.check('fresh', 1, t).remaining).toBe(10);
  });

  it('counts the time before the resize at the old rate', () => {
    const buckets = new TokenBuckets(10, 20);
    const t = 1_000_000;
    buckets.take('k', 20, t);
    buckets.resize(1, 20, t + 1_000);
    // 10 tokens from the second at 10/s, then 1 from a second at 1/s.
    expect(buckets.check('k', 1, t + 2_000).remaining).toBe(11);
  });
});
