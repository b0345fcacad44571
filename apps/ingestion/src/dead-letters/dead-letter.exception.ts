import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum DeadLetterExceptionCode {
  DeadLetterNotFound = 'dead_letter_not_found',
  ReplayRefused = 'replay_refused',
}

export class DeadLetterException extends CodedApiException<DeadLetterExceptionCode>({
  [DeadLetterExceptionCode.DeadLetterNotFound]: HttpStatus.NOT_FOUND,
  [DeadLetterExceptionCode.ReplayRefused]: HttpStatus.CONFLICT,
}) {
  constructor(code: DeadLetterExceptionCode, message: string, path = 'id') {
    super(code, message, [{ path, message }]);
  }
}
