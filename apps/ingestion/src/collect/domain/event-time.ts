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
