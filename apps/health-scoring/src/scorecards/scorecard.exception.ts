import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused scorecard request: its status, a code, what was wrong and, for a 400, where. */
export class ScorecardException extends CodedApiException({
  invalid_scorecard: HttpStatus.BAD_REQUEST,
  scorecard_not_found: HttpStatus.NOT_FOUND,
  scorecard_audience_taken: HttpStatus.CONFLICT,
  default_scorecard_kept: HttpStatus.CONFLICT,
  not_a_draft: HttpStatus.CONFLICT,
}) {}

/** The codes of ScorecardException. */
export type ScorecardExceptionCode = ScorecardException['code'];
