import { HttpStatus } from '@nestjs/common';
import type { FieldProblem } from '@tsuzuku/contracts';
import { CodedApiException } from '@tsuzuku/platform-runtime';

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
  InternalError = 'internal_error',
  /** Write keys are still being read from cs.credentials.v1 at start-up. */
  Starting = 'starting',
}

/**
 * A refused ingestion request in the shape of every Tsuzuku API (ApiException), with the headers
 * to send along (Retry-After, RateLimit-*, WWW-Authenticate).
 */
export class IngestionException extends CodedApiException<IngestionExceptionCode>({
  [IngestionExceptionCode.MissingWriteKey]: HttpStatus.UNAUTHORIZED,
  [IngestionExceptionCode.InvalidWriteKey]: HttpStatus.UNAUTHORIZED,
  [IngestionExceptionCode.InvalidRequest]: HttpStatus.BAD_REQUEST,
  [IngestionExceptionCode.InvalidEvent]: HttpStatus.BAD_REQUEST,
  [IngestionExceptionCode.EventTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [IngestionExceptionCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [IngestionExceptionCode.Overloaded]: HttpStatus.SERVICE_UNAVAILABLE,
  [IngestionExceptionCode.KafkaUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [IngestionExceptionCode.DatabaseUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [IngestionExceptionCode.InternalError]: HttpStatus.INTERNAL_SERVER_ERROR,
  [IngestionExceptionCode.Starting]: HttpStatus.SERVICE_UNAVAILABLE,
}) {
  constructor(
    code: IngestionExceptionCode,
    message: string,
    problems: readonly FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
    extra: Record<string, unknown> = {},
  ) {
    super(code, message, problems, extra);
  }
}
