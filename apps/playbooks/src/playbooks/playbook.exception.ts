import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused playbooks, runs or tasks request: its status, a code, what was wrong and, for a 400, where. */
export class PlaybookException extends CodedApiException({
  invalid_playbook: HttpStatus.BAD_REQUEST,
  playbook_not_found: HttpStatus.NOT_FOUND,
  playbook_version_not_found: HttpStatus.NOT_FOUND,
  account_not_found: HttpStatus.NOT_FOUND,
  run_not_found: HttpStatus.NOT_FOUND,
  run_not_running: HttpStatus.CONFLICT,
  task_not_found: HttpStatus.NOT_FOUND,
  task_closed: HttpStatus.CONFLICT,
}) {}

/** The codes of PlaybookException. */
export type PlaybookExceptionCode = PlaybookException['code'];
