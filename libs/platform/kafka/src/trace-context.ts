import { context, propagation, ROOT_CONTEXT, Context, trace } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/** Writes the active W3C trace context (traceparent, tracestate) into message headers. */
export function injectTraceContext(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** Reads a message's headers as strings. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** The trace context a message carries, to continue its trace in the consumer. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** The trace context headers of a message alone (traceparent, tracestate), without the others. */
export function traceHeadersOf(
  headers: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  const traceparent = headers['traceparent'];
  if (!traceparent) return undefined;
  const tracestate = headers['tracestate'];
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The trace id a message carries, if any. */
export function traceIdOf(headers: Readonly<Record<string, string>>): string | undefined {
  const spanContext = trace.getSpanContext(extractTraceContext({ ...headers }));
  return spanContext?.traceId;
}
