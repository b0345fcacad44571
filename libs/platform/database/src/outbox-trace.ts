import { context, createContextKey, propagation } from '@opentelemetry/api';

/** W3C trace context headers (traceparent, and tracestate when there is one). */
export type TraceHeaders = Readonly<Record<string, string>>;

const CAUSE_TRACES = createContextKey('tsuzuku.cause-traces');

/**
 * Runs `work` knowing the trace context each consumed event came with, by event id. A consumer
 * that handles a batch of events from many traces runs the batch under one span; an outbox row
 * written for one of those events (its causationId) then carries the trace of the event that
 * caused it, not the batch's.
 */
export function withCauseTraces<T>(traces: ReadonlyMap<string, TraceHeaders>, work: () => T): T {
  return context.with(context.active().setValue(CAUSE_TRACES, traces), work);
}

/** The active trace context, as headers. */
export function activeTraceHeaders(): TraceHeaders {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/**
 * The trace context a message caused by event `causationId` belongs to: the trace that event
 * came with when the current batch consumed it, else the active one.
 */
export function traceHeadersFor(causationId: string | null | undefined): TraceHeaders {
  if (causationId) {
    const traces = context.active().getValue(CAUSE_TRACES) as ReadonlyMap<string, TraceHeaders> | undefined;
    const cause = traces?.get(causationId);
    if (cause) return cause;
  }
  return activeTraceHeaders();
}

/** Whether headers already name a trace (an outbox row that carries the context it was given). */
export function hasTraceContext(headers: Readonly<Record<string, string>> | undefined): boolean {
  return headers !== undefined && typeof headers['traceparent'] === 'string';
}
