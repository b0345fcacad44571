import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@tsuzuku/platform-runtime';
import type { ScorecardProblem } from './domain/scorecard-validation';

export enum ScorecardExceptionCode {
  InvalidScorecard = 'invalid_scorecard',
  ScorecardNotFound = 'scorecard_not_found',
  AudienceTaken = 'scorecard_audience_taken',
  DefaultScorecardKept = 'default_scorecard_kept',
}

const STATUS: Record<ScorecardExceptionCode, HttpStatus> = {
  [ScorecardExceptionCode.InvalidScorecard]: HttpStatus.BAD_REQUEST,
  [ScorecardExceptionCode.ScorecardNotFound]: HttpStatus.NOT_FOUND,
  [ScorecardExceptionCode.AudienceTaken]: HttpStatus.CONFLICT,
  [ScorecardExceptionCode.DefaultScorecardKept]: HttpStatus.CONFLICT,
};

/** A refused scorecard request: its status, a code, what was wrong and, for a 400, where. */
export class ScorecardException extends ApiException<ScorecardExceptionCode> {
  constructor(code: ScorecardExceptionCode, message: string, problems: readonly ScorecardProblem[] = []) {
    super(STATUS[code], code, message, problems);
  }
}
