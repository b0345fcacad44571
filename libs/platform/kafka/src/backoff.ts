/**
 * Exponential backoff with equal jitter: attempt n waits between half and all of
 * min(cap, base * 2^(n-1)). Half is kept so a retry never fires at once (full jitter may wait
 * 0 ms, a tight loop against a database or broker that just went away); the random half keeps
 * many clients that lost the same server from coming back in step.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
