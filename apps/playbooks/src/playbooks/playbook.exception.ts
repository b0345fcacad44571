import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum PlaybookExceptionCode {
  InvalidPlaybook = 'invalid_playbook',
  PlaybookNotFound = 'playbook_not_found',
  VersionNotFound = 'playbook_version_not_found',
  AccountNotFound = 'account_not_found',
  RunNotFound = 'run_not_found',
  RunNotRunning = 'run_not_running',
  TaskNotFound = 'task_not_found',
  TaskClosed = 'task_closed',
}

/** A refused playbooks, runs or tasks request: its status, a code, what was wrong and, for a 400, where. */
export class PlaybookException extends CodedApiException<PlaybookExceptionCode>({
  [PlaybookExceptionCode.InvalidPlaybook]: HttpStatus.BAD_REQUEST,
  [PlaybookExceptionCode.PlaybookNotFound]: HttpStatus.NOT_FOUND,
  [PlaybookExceptionCode.VersionNotFound]: HttpStatus.NOT_FOUND,
  [PlaybookExceptionCode.AccountNotFound]: HttpStatus.NOT_FOUND,
  [PlaybookExceptionCode.RunNotFound]: HttpStatus.NOT_FOUND,
  [PlaybookExceptionCode.RunNotRunning]: HttpStatus.CONFLICT,
  [PlaybookExceptionCode.TaskNotFound]: HttpStatus.NOT_FOUND,
  [PlaybookExceptionCode.TaskClosed]: HttpStatus.CONFLICT,
}) {}
