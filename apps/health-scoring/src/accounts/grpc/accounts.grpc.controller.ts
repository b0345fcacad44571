import { Controller, UseFilters, UsePipes } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { GrpcExceptionFilter, GrpcInputBoundaryPipe, withoutNulls } from '@tsuzuku/platform-grpc';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { AccountsService } from '../accounts.service';
import { AssignAccountOwnerRequest, ReassignAccountsRequest } from '../dto/assign-owner.grpc.dto';

/** The service's name within its proto package (libs/contracts/proto/accounts.v1.proto). */
const SERVICE_NAME = 'AccountsService';

/**
 * The gRPC AccountsService: assigning accounts as over REST, through the same guard (API token in
 * the `authorization` metadata, scope write), validation and service; refusals answer their gRPC
 * status (GrpcExceptionFilter).
 */
@Controller()
@UseFilters(GrpcExceptionFilter)
@UsePipes(GrpcInputBoundaryPipe, requestValidationPipe())
export class AccountsGrpcController {
  constructor(private readonly accounts: AccountsService) {}

  @GrpcMethod(SERVICE_NAME, 'AssignAccountOwner')
  @RequireScopes('write')
  async assignAccountOwner(
    @Payload() request: AssignAccountOwnerRequest,
    @Auth() auth: AuthContext,
  ): Promise<object> {
    const account = await this.accounts.assignOwner(
      auth.workspaceId,
      request.accountId,
      request.owner ?? null,
    );
    return withoutNulls({
      accountId: account.accountId,
      name: account.name,
      owner: account.owner,
      segment: account.segment,
      plan: account.plan,
      mrr: account.mrr,
    });
  }

  @GrpcMethod(SERVICE_NAME, 'ReassignAccounts')
  @RequireScopes('write')
  async reassignAccounts(
    @Payload() request: ReassignAccountsRequest,
    @Auth() auth: AuthContext,
  ): Promise<object> {
    return this.accounts.reassign(auth.workspaceId, {
      accountIds: request.accountIds,
      fromOwner: request.fromOwner,
      owner: request.owner ?? null,
    });
  }
}
