import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@tsuzuku/platform-runtime';

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

export class WorkspaceException extends ApiException<WorkspaceExceptionCode> {
  constructor(code: WorkspaceExceptionCode, message: string) {
    super(STATUS[code], code, message);
  }
}
