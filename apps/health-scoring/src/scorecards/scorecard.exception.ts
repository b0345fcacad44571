import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum ScorecardExceptionCode {
  InvalidScorecard = 'invalid_scorecard',
  ScorecardNotFound = 'scorecard_not_found',
  AudienceTaken = 'scorecard_audience_taken',
  DefaultScorecardKept = 'default_scorecard_kept',
}

/** A refused scorecard request: its status, a code, what was wrong and, for a 400, where. */
export class ScorecardException extends CodedApiException<ScorecardExceptionCode>({
  [ScorecardExceptionCode.InvalidScorecard]: HttpStatus.BAD_REQUEST,
  [ScorecardExceptionCode.ScorecardNotFound]: HttpStatus.NOT_FOUND,
  [ScorecardExceptionCode.AudienceTaken]: HttpStatus.CONFLICT,
  [ScorecardExceptionCode.DefaultScorecardKept]: HttpStatus.CONFLICT,
}) {}
