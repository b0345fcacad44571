import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@tsuzuku/platform-runtime';

export enum DeadLetterExceptionCode {
  DeadLetterNotFound = 'dead_letter_not_found',
  ReplayRefused = 'replay_refused',
}

const STATUS: Record<DeadLetterExceptionCode, HttpStatus> = {
  [DeadLetterExceptionCode.DeadLetterNotFound]: HttpStatus.NOT_FOUND,
  [DeadLetterExceptionCode.ReplayRefused]: HttpStatus.CONFLICT,
};

export class DeadLetterException extends ApiException<DeadLetterExceptionCode> {
  constructor(code: DeadLetterExceptionCode, message: string, path = 'id') {
    super(STATUS[code], code, message, [{ path, message }]);
  }
}
