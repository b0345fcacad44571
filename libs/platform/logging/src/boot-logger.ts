import type { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';
import { SECRET_SAFE_PINO_OPTIONS, traceFields } from './logging.module';

/**
 * The logger of a service before its configuration is loaded and its Nest application exists:
 * JSON lines on stdout, as every later line, with the same redaction, written synchronously so a
 * failure at boot is on the log before the process exits.
 */
export function createBootLogger(service: string): PinoLogger {
  return pino(
    { level: 'info', base: { service }, ...SECRET_SAFE_PINO_OPTIONS, mixin: traceFields },
    pino.destination({ fd: 1, sync: true }),
  );
}

/** Nest's logger interface over a boot logger, for what Nest logs while the application is created. */
export class BootLoggerService implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes (message, stack?, context?) to error and (message, context?) to the others. */
  private write(level: pino.Level, message: unknown, rest: readonly unknown[]): void {
    const strings = rest.filter((r): r is string => typeof r === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = level === 'error' && strings.length > 1 ? strings[0] : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields['context'] = context;
    if (message instanceof Error) fields['err'] = message;
    else if (stack) fields['err'] = { message: String(message), stack };
    this.pino[level](fields, message instanceof Error ? message.message : String(message));
  }
}
