import type { FieldProblem } from '@tsuzuku/contracts';

/**
 * The event time of a call. Live calls correct the client's clock: the client stamped the event
 * at `timestamp` and sent it at `sentAt` by its own clock, and we received it at `receivedAt` by
 * ours, so the event happened `sentAt - timestamp` before `receivedAt`. Imports keep the
 * timestamp as given (historical data has no meaningful sentAt), and a call without a timestamp
 * happened when it was received.
 */
export function eventTime(
  timestamp: string | undefined,
  sentAt: string | undefined,
  receivedAt: Date,
  mode: 'live' | 'import',
): Date {
  if (!timestamp) return receivedAt;
  const stamped = Date.parse(timestamp);
  if (mode === 'import' || !sentAt) return new Date(stamped);
  const sent = Date.parse(sentAt);
  return new Date(receivedAt.getTime() - (sent - stamped));
}

/** How far an event time may lie from the moment ingestion received it. */
export interface EventTimeWindow {
  /** Live calls: the oldest event time accepted, as an age at receipt in ms. */
  readonly liveMaxAgeMs: number;
  /** Imports: the earliest event time accepted. */
  readonly importEarliest: Date;
  /** Both: how far past the moment of receipt an event time may be, in ms (clocks differ). */
  readonly futureToleranceMs: number;
}

/** The times of a call that decide its event time. */
export interface StampedCall {
  readonly timestamp?: string;
  readonly originalTimestamp?: string;
  readonly sentAt?: string;
}

export type EventTimeCheck = { ok: true; at: Date } | { ok: false; problem: FieldProblem };

const DAY_MS = 86_400_000;
const READABLE = 'must be a date-time, e.g. 2026-11-23T10:00:00Z';

/**
 * The event time of a call, or why it is refused: a time that cannot be read, or one that,
 * after clock-skew correction, falls outside the window (live: no older than liveMaxAgeMs,
 * imports: no earlier than importEarliest; both: no later than futureToleranceMs past receipt).
 * The problem names the field that stamped the event.
 */
export function checkEventTime(
  call: StampedCall,
  batchSentAt: string | undefined,
  receivedAt: Date,
  mode: 'live' | 'import',
  window: EventTimeWindow,
): EventTimeCheck {
  const field = call.timestamp !== undefined ? 'timestamp' : 'originalTimestamp';
  const stamped = call[field];
  if (stamped === undefined) return { ok: true, at: receivedAt };
  const refuse = (message: string, path: string = field): EventTimeCheck => ({
    ok: false,
    problem: { path, message },
  });
  if (Number.isNaN(Date.parse(stamped))) return refuse(READABLE);
  const sentAt = mode === 'live' ? (call.sentAt ?? batchSentAt) : undefined;
  if (sentAt !== undefined && Number.isNaN(Date.parse(sentAt))) return refuse(READABLE, 'sentAt');

  const at = eventTime(stamped, sentAt, receivedAt, mode);
  const corrected = sentAt === undefined ? '' : ` after clock-skew correction with sentAt ${sentAt}`;
  // Far enough apart, timestamp and sentAt put the corrected time past what a Date can hold.
  if (Number.isNaN(at.getTime())) return refuse(`is out of range${corrected}`);
  const latest = receivedAt.getTime() + window.futureToleranceMs;
  if (at.getTime() > latest)
    return refuse(
      `is in the future${corrected} (${at.toISOString()}); at most ${window.futureToleranceMs / 1000} s past the time of receipt is accepted`,
    );
  if (mode === 'import') {
    if (at.getTime() < window.importEarliest.getTime())
      return refuse(`must not be earlier than ${window.importEarliest.toISOString()} (${at.toISOString()})`);
  } else if (at.getTime() < receivedAt.getTime() - window.liveMaxAgeMs) {
    return refuse(
      `is more than ${Math.round(window.liveMaxAgeMs / DAY_MS)} days old${corrected} (${at.toISOString()}); send history to /v1/import`,
    );
  }
  return { ok: true, at };
}
