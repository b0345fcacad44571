/**
 * Whether ingestion takes a request now or refuses it as overloaded (429 with Retry-After), from
 * what it can observe of its own load and of the pipeline behind it. Refusing early keeps the
 * answers of what it takes fast and leaves the cores to the consumers that must keep up; an SDK
 * sends what was refused again after Retry-After.
 */

/** What the admission looks at, as last observed. */
export interface LoadSignals {
  /** This process's event-loop delay, in ms: the lower p99 of the last two windows (see sustainedDelay). */
  readonly eventLoopDelayMs: number;
  /** Events of requests taken and not answered yet (in validation, deduplication or on their way to Kafka). */
  readonly pendingEvents: number;
  /** How long taken requests waited to be answered (with success) over the last window, in ms (see answerTime). */
  readonly answerMs: number;
  /** Events on cs.events.v1 that the slowest consumer group of the pipeline has not processed; null when unknown. */
  readonly downstreamLag: number | null;
  /** Events per second that group processed lately (its committed offsets' progress); null when unknown. */
  readonly downstreamRate: number | null;
}

export interface AdmissionLimits {
  /** Past this event-loop delay, every request is refused: this process cannot answer in time. */
  readonly maxEventLoopDelayMs: number;
  /** A request that would take the events pending past this is refused. */
  readonly maxPendingEvents: number;
  /** From this answer time on, a growing share of requests is refused, all of them at twice it. */
  readonly maxAnswerMs: number;
  /** From this lag on, a growing share of requests is refused ... */
  readonly lagSoftLimit: number;
  /** ... and from this one, all of them. */
  readonly lagHardLimit: number;
}

export type OverloadSignal = 'event_loop_delay' | 'pending_events' | 'answer_time' | 'downstream_lag';

export type Admission =
  | { readonly admit: true }
  | {
      readonly admit: false;
      readonly signal: OverloadSignal;
      /** When to try again, in whole seconds (1-30). */
      readonly retryAfterSeconds: number;
      /** Why, for the answer's message. */
      readonly detail: string;
    };

const MAX_RETRY_AFTER_S = 30;

/** Fewer answers than this in a window show no queue: a few large or slow requests are not overload. */
export const MIN_ANSWERS_PER_WINDOW = 8;

/**
 * The answer-time reading of one window: the p90 of the times its successful requests took, in
 * ms; 0 when it had fewer than MIN_ANSWERS_PER_WINDOW answers (no queue to speak of).
 */
export function answerTime(answers: readonly number[]): number {
  if (answers.length < MIN_ANSWERS_PER_WINDOW) return 0;
  const sorted = [...answers].sort((a, b) => a - b);
  return sorted[Math.ceil(0.9 * sorted.length) - 1]!;
}

/**
 * The event-loop delay that counts: the lower of the last two windows' p99. One long task (a
 * large body parsed, a deep document refused) stalls one window and refuses nothing; a loop
 * that stays late through two windows cannot answer in time.
 */
export function sustainedDelay(previousWindowMs: number, lastWindowMs: number): number {
  return Math.min(previousWindowMs, lastWindowMs);
}

const clampRetry = (seconds: number) => Math.min(MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(seconds)));

/**
 * The decision for a request of `events` events. Past the answer-time target, and between the
 * soft and the hard lag limit, a
 * request is refused with a probability that grows linearly from 0 to 1 (`draw` is uniform in
 * [0, 1)), so the rate taken eases down to what the consumers drain instead of swinging between
 * all and nothing. Retry-After: 1 s for this process's own load (it clears as soon as the
 * requests in hand are answered); for the lag, the time the consumers need to bring it back
 * under the soft limit at their recent rate.
 */
export function admission(
  events: number,
  signals: LoadSignals,
  limits: AdmissionLimits,
  draw: number,
): Admission {
  if (signals.eventLoopDelayMs > limits.maxEventLoopDelayMs)
    return {
      admit: false,
      signal: 'event_loop_delay',
      retryAfterSeconds: 1,
      detail: `event-loop delay ${Math.round(signals.eventLoopDelayMs)} ms is over ${limits.maxEventLoopDelayMs} ms`,
    };
  // A request bigger than the whole allowance is taken when nothing else is pending, so no
  // request is refused for ever.
  if (signals.pendingEvents > 0 && signals.pendingEvents + events > limits.maxPendingEvents)
    return {
      admit: false,
      signal: 'pending_events',
      retryAfterSeconds: 1,
      detail: `${signals.pendingEvents} events are already in progress (at most ${limits.maxPendingEvents})`,
    };
  // The queue in front of Kafka and the ledger: answers slower than the target mean requests
  // wait; refusing a share of the new ones (all at twice the target) brings the wait back down.
  if (signals.answerMs > limits.maxAnswerMs) {
    const share = Math.min(1, (signals.answerMs - limits.maxAnswerMs) / limits.maxAnswerMs);
    if (draw < share)
      return {
        admit: false,
        signal: 'answer_time',
        retryAfterSeconds: 1,
        detail: `requests take ${Math.round(signals.answerMs)} ms to be answered (refusing from ${limits.maxAnswerMs} ms)`,
      };
  }
  const lag = signals.downstreamLag;
  if (lag === null || lag < limits.lagSoftLimit) return { admit: true };
  const share =
    lag >= limits.lagHardLimit
      ? 1
      : (lag - limits.lagSoftLimit) / (limits.lagHardLimit - limits.lagSoftLimit);
  if (draw >= share) return { admit: true };
  const rate = signals.downstreamRate;
  const excess = lag - limits.lagSoftLimit;
  return {
    admit: false,
    signal: 'downstream_lag',
    retryAfterSeconds: rate !== null && rate > 0 ? clampRetry(Math.max(1, excess) / rate) : clampRetry(5),
    detail: `the pipeline is ${lag} events behind (refusing from ${limits.lagSoftLimit}, all from ${limits.lagHardLimit})`,
  };
}
