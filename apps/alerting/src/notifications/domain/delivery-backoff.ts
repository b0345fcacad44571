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
