import { Injectable } from '@nestjs/common';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { BucketDecision, TokenBuckets } from './token-buckets';

/**
 * Failed authentications per client address (every 401 of an API token, a write key or the
 * admin token counts one). Once an address has used up AUTH_FAILURES_PER_MINUTE, its requests
 * get 429 with Retry-After before their credentials are looked at, until the budget flows back.
 * The address is Fastify's request.ip: the nearest X-Forwarded-For hop not in TRUST_PROXY.
 * Per process, like every limit here.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly failures: TokenBuckets;

  constructor(config: ServiceConfig) {
    this.failures = new TokenBuckets(config.AUTH_FAILURES_PER_MINUTE / 60, config.AUTH_FAILURES_PER_MINUTE);
  }

  /** A refusal when the address has no failure left, else undefined. */
  refusal(address: string): BucketDecision | undefined {
    const decision = this.failures.check(address);
    return decision.allowed ? undefined : decision;
  }

  /** Counts one failed authentication of the address. */
  failed(address: string): void {
    this.failures.take(address);
  }
}

/** Requests per API token on the Bearer APIs: API_RATE_LIMIT_PER_SECOND, burst API_RATE_LIMIT_BURST. */
@Injectable()
export class ApiTokenRateLimiter {
  private readonly requests: TokenBuckets;

  constructor(config: ServiceConfig) {
    this.requests = new TokenBuckets(config.API_RATE_LIMIT_PER_SECOND, config.API_RATE_LIMIT_BURST);
  }

  /** Takes one request of the credential's budget. */
  take(credentialId: string): BucketDecision {
    return this.requests.take(credentialId);
  }
}

/** The message of a 429 for too many failed authentications. */
export const TOO_MANY_FAILURES = 'too many failed authentications from this address; retry later';
