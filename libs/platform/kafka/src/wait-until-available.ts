import { backoffDelay } from './backoff';

export interface WaitOptions {
  /** What is waited for, as the log line names it: "Kafka at 10.0.0.5:9092". */
  readonly what: string;
  readonly logger: { warn(message: string): void };
  /** First delay; doubles per attempt (equal jitter) up to capMs, so a line at least every capMs. */
  readonly baseMs?: number;
  readonly capMs?: number;
  /** True once the service is stopping: the wait ends with WaitAbandonedError. */
  readonly stopped?: () => boolean;
  /** Called after each failed attempt with its reason (readiness shows it). */
  readonly onFailure?: (reason: string) => void;
}

/** The service began to stop while it still waited for a dependency. */
export class WaitAbandonedError extends Error {
  override readonly name = 'WaitAbandonedError';
}

/**
 * Runs `attempt` until it succeeds: after each failure logs "waiting for <what>: <reason>" and
 * tries again after a backoff capped at a few seconds. Start-up and reconnects use it instead of
 * exiting, so a dependency that is late or restarting makes the service unready, not dead.
 */
export async function waitUntilAvailable<T>(attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const { what, logger, baseMs = 500, capMs = 5_000, stopped = () => false } = options;
  for (let n = 1; ; n++) {
    if (stopped()) throw new WaitAbandonedError(`stopped while waiting for ${what}`);
    try {
      return await attempt();
    } catch (error) {
      if (stopped()) throw new WaitAbandonedError(`stopped while waiting for ${what}`);
      const reason = describeError(error);
      options.onFailure?.(reason);
      const delay = backoffDelay(n, baseMs, capMs);
      logger.warn(`waiting for ${what}: ${reason} (attempt ${n}, next in ${delay} ms)`);
      await new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
    }
  }
}

/** An error as one line: its name or code, and its message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message || (error as AggregateError).errors?.map(describeError).join('; ') || '';
  return `${typeof code === 'string' && code ? `${code} ` : ''}${error.name}: ${message}`;
}
