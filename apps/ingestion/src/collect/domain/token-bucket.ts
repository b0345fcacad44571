export interface BucketDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset), or until one token is back when refused. */
  readonly resetSeconds: number;
}

/** Token buckets by key: `ratePerSecond` tokens flow in, at most `burst` wait. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, now: number = Date.now()): BucketDecision {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      return {
        allowed: false,
        limit: this.burst,
        remaining: 0,
        resetSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)),
      };
    }
    bucket.tokens -= 1;
    return {
      allowed: true,
      limit: this.burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.burst - bucket.tokens) / this.ratePerSecond),
    };
  }
}
