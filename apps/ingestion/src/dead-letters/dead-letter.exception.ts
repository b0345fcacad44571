import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export class DeadLetterException extends CodedApiException({
  dead_letter_not_found: HttpStatus.NOT_FOUND,
  replay_refused: HttpStatus.CONFLICT,
}) {
  constructor(code: DeadLetterExceptionCode, message: string, path = 'id') {
    super(code, message, [{ path, message }]);
  }
}

/** The codes of DeadLetterException. */
export type DeadLetterExceptionCode = DeadLetterException['code'];
