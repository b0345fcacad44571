/**
 * How long a failed delivery waits before its next attempt: `baseMs` after the first failure,
 * doubling each time, never more than `maxMs`. `jitter` (0-1, from the caller's random source)
 * spreads retries by up to a fifth so that a recovered receiver is not hit by all at once.
 */
export function retryDelayMs(failedAttempts: number, baseMs: number, maxMs: number, jitter = 0): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(Math.min(maxMs, delay * (1 + 0.2 * jitter)));
}

/** Where a delivery goes after an attempt failed: another try later, or given up. */
export function afterFailure(
  attempts: number,
  maxAttempts: number,
  now: Date,
  delay: number,
): { readonly status: 'pending'; readonly nextAttemptAt: Date } | { readonly status: 'failed' } {
  if (attempts >= maxAttempts) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}
