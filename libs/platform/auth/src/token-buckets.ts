export interface BucketDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /**
   * Seconds until the bucket is full again (RateLimit-Reset) when allowed; when refused, until
   * the refused cost fits (Retry-After).
   */
  readonly resetSeconds: number;
}

/**
 * Token buckets by key: `ratePerSecond` tokens flow in, at most `burst` wait. A take costs
 * `cost` tokens (1 per request, or a request's events or bytes). A cost above the burst would
 * never fit, so it is admitted on a full bucket and leaves the bucket in debt: what it took
 * beyond the burst is paid back before the next take. Per process: N instances admit N times
 * the rate, unless each is `resize`d to its share.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private rate: number,
    private capacity: number,
    private readonly maxKeys = 100_000,
  ) {}

  get ratePerSecond(): number {
    return this.rate;
  }

  get burst(): number {
    return this.capacity;
  }

  /**
   * Changes the rate and burst of every key (e.g. to a replica's share of a total). Tokens
   * flowed in until `now` count at the old rate; a bucket above the new burst is cut to it.
   */
  resize(ratePerSecond: number, burst: number, now: number = Date.now()): void {
    for (const key of this.buckets.keys()) this.tokensOf(key, now);
    this.rate = ratePerSecond;
    this.capacity = burst;
    for (const bucket of this.buckets.values()) bucket.tokens = Math.min(bucket.tokens, burst);
  }

  /** What a take of `cost` would decide, without taking. */
  check(key: string, cost = 1, now: number = Date.now()): BucketDecision {
    return this.decide(this.tokensOf(key, now), cost);
  }

  /** Takes `cost` tokens when they are there (see the class comment for costs above the burst). */
  take(key: string, cost = 1, now: number = Date.now()): BucketDecision {
    const tokens = this.tokensOf(key, now);
    const decision = this.decide(tokens, cost);
    if (!decision.allowed) return decision;
    const left = tokens - cost;
    this.buckets.get(key)!.tokens = left;
    return this.admitted(left);
  }

  /** The key's tokens now, refilled; a new key starts full. Bounded: the oldest key goes first. */
  private tokensOf(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.ratePerSecond,
    );
    bucket.at = now;
    return bucket.tokens;
  }

  private decide(tokens: number, cost: number): BucketDecision {
    const needed = Math.min(cost, this.burst);
    if (tokens < needed) {
      return {
        allowed: false,
        limit: this.burst,
        remaining: Math.max(0, Math.floor(tokens)),
        resetSeconds: Math.max(1, Math.ceil((needed - tokens) / this.ratePerSecond)),
      };
    }
    return this.admitted(tokens);
  }

  private admitted(tokens: number): BucketDecision {
    return {
      allowed: true,
      limit: this.burst,
      remaining: Math.max(0, Math.floor(tokens)),
      resetSeconds: Math.max(0, Math.ceil((this.burst - tokens) / this.ratePerSecond)),
    };
  }
}

/** One limit of a request: its buckets, the key it is counted under and what it costs. */
export interface RateCharge {
  readonly buckets: TokenBuckets;
  readonly key: string;
  readonly cost: number;
}

/**
 * Admits a request only when every limit has room, and then charges them all (a refused
 * request costs nothing). The decision is the refused limit that frees up last, or, when
 * admitted, the limit closest to exhaustion: what the RateLimit headers describe.
 */
export function chargeAll(charges: readonly RateCharge[], now: number = Date.now()): BucketDecision {
  const checks = charges.map((c) => c.buckets.check(c.key, c.cost, now));
  const refused = checks.filter((d) => !d.allowed);
  if (refused.length > 0) return refused.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a));
  const taken = charges.map((c) => c.buckets.take(c.key, c.cost, now));
  return taken.reduce((a, b) => (b.remaining / b.limit < a.remaining / a.limit ? b : a));
}

/** The RateLimit-* headers (IETF draft names) of a decision, and Retry-After when refused. */
export function rateLimitHeaders(decision: BucketDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
    ...(decision.allowed ? {} : { 'Retry-After': String(decision.resetSeconds) }),
  };
}
