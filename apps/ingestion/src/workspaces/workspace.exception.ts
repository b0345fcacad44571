import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum WorkspaceExceptionCode {
  WorkspaceNotFound = 'workspace_not_found',
  CredentialNotFound = 'credential_not_found',
  CredentialRevoked = 'credential_revoked',
}

export class WorkspaceException extends CodedApiException<WorkspaceExceptionCode>({
  [WorkspaceExceptionCode.WorkspaceNotFound]: HttpStatus.NOT_FOUND,
  [WorkspaceExceptionCode.CredentialNotFound]: HttpStatus.NOT_FOUND,
  [WorkspaceExceptionCode.CredentialRevoked]: HttpStatus.CONFLICT,
}) {}
