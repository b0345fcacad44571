import { HttpStatus } from '@nestjs/common';
import type { FieldProblem } from '@tsuzuku/contracts';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/**
 * A refused ingestion request in the shape of every Tsuzuku API (ApiException), with the headers
 * to send along (Retry-After, RateLimit-*, WWW-Authenticate).
 */
export class IngestionException extends CodedApiException({
  missing_write_key: HttpStatus.UNAUTHORIZED,
  invalid_write_key: HttpStatus.UNAUTHORIZED,
  invalid_request: HttpStatus.BAD_REQUEST,
  invalid_event: HttpStatus.BAD_REQUEST,
  event_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  /** More than this replica can answer in time, or the pipeline behind it is too far behind (not an outage). */
  overloaded: HttpStatus.TOO_MANY_REQUESTS,
  kafka_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  database_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  internal_error: HttpStatus.INTERNAL_SERVER_ERROR,
  /** Write keys are still being read from cs.credentials.v1 at start-up. */
  starting: HttpStatus.SERVICE_UNAVAILABLE,
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

/** The codes of IngestionException. */
export type IngestionExceptionCode = IngestionException['code'];
