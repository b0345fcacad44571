import { DynamicModule, Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import { ServiceConfig } from '@tsuzuku/platform-config';
import type { IncomingMessage } from 'node:http';
import { loggableError, redactHeaders, redactLogFields, redactUrl, scrubText } from './log-redaction';

interface SerializedRequest {
  url?: string;
  query?: unknown;
  headers?: Record<string, unknown>;
}
interface SerializedResponse {
  headers?: Record<string, unknown>;
}

/**
 * How every log line is kept free of secrets, whoever writes it: fields named like credentials
 * are redacted at any depth, errors are reduced to their message, stack, codes and SQL text (no
 * query parameters, no Postgres `detail`), request URLs lose their query string, and finally the
 * whole line loses URL credentials, paths and query strings, `token=` pairs, Authorization
 * values and Tsuzuku's prefixed secrets.
 */
export const SECRET_SAFE_PINO_OPTIONS = {
  formatters: { log: redactLogFields },
  serializers: {
    req: (req: SerializedRequest) => {
      if (typeof req.url === 'string') req.url = redactUrl(req.url);
      // The query string is in the URL, redacted.
      req.query = undefined;
      req.headers = redactHeaders(req.headers);
      return req;
    },
    // pino-http hands over pino's serialization of what redactLogFields made; `raw` is that.
    err: (err: unknown) => {
      const raw = (err as { raw?: unknown } | null | undefined)?.raw ?? err;
      return raw instanceof Error ? loggableError(raw) : raw;
    },
    res: (res: SerializedResponse) => {
      res.headers = redactHeaders(res.headers);
      return res;
    },
  },
  hooks: { streamWrite: scrubText },
};

/** The active span's ids, so each log line can be joined to its trace. */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

const REQUEST_TRACE = Symbol.for('tsuzuku.requestTrace');

/**
 * Remembers the ids of a request's server span on the request, for the "request completed"
 * line, which pino-http writes after the handler's context is gone.
 */
export function rememberRequestTrace(request: IncomingMessage, traceId: string, spanId: string): void {
  (request as IncomingMessage & { [REQUEST_TRACE]?: Record<string, string> })[REQUEST_TRACE] = {
    trace_id: traceId,
    span_id: spanId,
  };
}

function requestTrace(request: IncomingMessage): Record<string, string> | undefined {
  return (request as IncomingMessage & { [REQUEST_TRACE]?: Record<string, string> })[REQUEST_TRACE];
}

@Module({})
export class LoggingModule {
  /** nestjs-pino, JSON lines by default, pretty only when LOG_PRETTY is set. */
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service },
              ...SECRET_SAFE_PINO_OPTIONS,
              mixin: traceFields,
              // Undefined until the server span exists (pino-http then adds nothing).
              customProps: (request: IncomingMessage) => requestTrace(request) as Record<string, string>,
              // Probes and scrapes come every few seconds from the platform: no line for each.
              autoLogging: {
                ignore: (req: IncomingMessage) => {
                  const url = req.url ?? '';
                  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');
                },
              },
              transport: config.LOG_PRETTY
                ? {
                    target: 'pino-pretty',
                    options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
                  }
                : undefined,
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
