/**
 * Exponential backoff with full jitter, the one retry policy of every loop: attempt 1 waits a
 * uniformly random time in [0, base], attempt n in [0, base * 2^(n-1)], the ceiling capped at
 * `capMs`. Full jitter spreads the replicas that failed together over the whole window.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.round(random() * ceiling);
}
