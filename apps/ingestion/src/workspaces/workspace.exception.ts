import { HttpException, HttpStatus } from '@nestjs/common';

export enum WorkspaceExceptionCode {
  WorkspaceNotFound = 'workspace_not_found',
  CredentialNotFound = 'credential_not_found',
  CredentialRevoked = 'credential_revoked',
}

const STATUS: Record<WorkspaceExceptionCode, HttpStatus> = {
  [WorkspaceExceptionCode.WorkspaceNotFound]: HttpStatus.NOT_FOUND,
  [WorkspaceExceptionCode.CredentialNotFound]: HttpStatus.NOT_FOUND,
  [WorkspaceExceptionCode.CredentialRevoked]: HttpStatus.CONFLICT,
};

export class WorkspaceException extends HttpException {
  constructor(
    readonly code: WorkspaceExceptionCode,
    message: string,
  ) {
    super({ statusCode: STATUS[code], error: code, message }, STATUS[code]);
  }
}
