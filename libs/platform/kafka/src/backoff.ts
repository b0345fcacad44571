/** Exponential backoff with full jitter: attempt 1 waits up to base, attempt n up to base * 2^(n-1), capped. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
