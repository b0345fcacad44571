import { DynamicModule, Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import { ServiceConfig } from '@tsuzuku/platform-config';
import type { IncomingMessage } from 'node:http';

/** Paths pino replaces with [Redacted]: credentials in headers and secrets in bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.token',
  '*.apiToken',
  '*.writeKey',
  '*.DATABASE_URL',
  '*.SMTP_URL',
];

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
              redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
              mixin: traceFields,
              // Undefined until the server span exists (pino-http then adds nothing).
              customProps: (request: IncomingMessage) => requestTrace(request) as Record<string, string>,
              autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
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
