import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export class WorkspaceException extends CodedApiException({
  workspace_not_found: HttpStatus.NOT_FOUND,
  credential_not_found: HttpStatus.NOT_FOUND,
  credential_revoked: HttpStatus.CONFLICT,
}) {}

/** The codes of WorkspaceException. */
export type WorkspaceExceptionCode = WorkspaceException['code'];
