import { HttpStatus } from '@nestjs/common';
import type { FieldProblem } from '@tsuzuku/contracts';

export enum IngestionExceptionCode {
  MissingWriteKey = 'missing_write_key',
  InvalidWriteKey = 'invalid_write_key',
  InvalidRequest = 'invalid_request',
  InvalidEvent = 'invalid_event',
  EventTooLarge = 'event_too_large',
  RateLimited = 'rate_limited',
  Overloaded = 'overloaded',
  KafkaUnavailable = 'kafka_unavailable',
  DatabaseUnavailable = 'database_unavailable',
}

const STATUS: Record<IngestionExceptionCode, HttpStatus> = {
  [IngestionExceptionCode.MissingWriteKey]: HttpStatus.UNAUTHORIZED,
  [IngestionExceptionCode.InvalidWriteKey]: HttpStatus.UNAUTHORIZED,
  [IngestionExceptionCode.InvalidRequest]: HttpStatus.BAD_REQUEST,
  [IngestionExceptionCode.InvalidEvent]: HttpStatus.BAD_REQUEST,
  [IngestionExceptionCode.EventTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [IngestionExceptionCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [IngestionExceptionCode.Overloaded]: HttpStatus.SERVICE_UNAVAILABLE,
  [IngestionExceptionCode.KafkaUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [IngestionExceptionCode.DatabaseUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** A refused ingestion request: an HTTP status, a code, what was wrong and where, and headers to send. */
export class IngestionException extends Error {
  override readonly name = 'IngestionException';
  readonly status: HttpStatus;

  constructor(
    readonly code: IngestionExceptionCode,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }

  body(): Record<string, unknown> {
    return {
      statusCode: this.status,
      error: this.code,
      message: this.message,
      ...(this.problems.length > 0 ? { errors: this.problems } : {}),
      ...this.extra,
    };
  }
}
