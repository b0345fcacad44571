import { Body, Delete, Get, Headers, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { Auth, AuthContext, CredentialStore, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiAction, ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { AccountsService } from './accounts.service';
import {
  AccountDto,
  AccountPageDto,
  HealthAsOfDto,
  HealthExplanationDto,
  HealthHistoryDto,
} from './dto/account.dto';
import { HealthAsOfQuery } from './dto/health-as-of.query';
import { HealthHistoryQuery } from './dto/history.query';
import { ListAccountsQuery } from './dto/list-accounts.query';
import { SetOverrideDto } from './dto/set-override.dto';
import { ReassignAccountsDto, ReassignResultDto, UpdateAccountDto } from './dto/assign-owner.dto';

/** Accounts and their explained health, by the API token's workspace; overrides of the score. */
@ApiController('accounts', 'v1/accounts')
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly credentials: CredentialStore,
  ) {}

  @ApiRead('List accounts, riskiest first by default, a page at a time', AccountPageDto)
  @ApiResponse({ status: 400, description: 'invalid filter, sort, limit or cursor, with field paths' })
  list(@Auth() auth: AuthContext, @Query() query: ListAccountsQuery): Promise<AccountPageDto> {
    return this.accounts.list(auth.workspaceId, query);
  }

  @ApiAction(
    "Move accounts (by id, or all of fromOwner's) to a new owner; open alerts and tasks follow",
    ReassignResultDto,
    'reassign',
  )
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  reassign(@Auth() auth: AuthContext, @Body() body: ReassignAccountsDto): Promise<ReassignResultDto> {
    return this.accounts.reassign(auth.workspaceId, body);
  }

  @Patch(':accountId')
  @RequireScopes('write')
  @ApiOperation({ summary: "Assign the account's owner (null: none); its open alerts and tasks follow" })
  @ApiResponse({ status: 200, type: AccountDto })
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  @ApiResponse({ status: 404, description: 'no such account in the workspace of the token' })
  update(
    @Auth() auth: AuthContext,
    @Param('accountId') accountId: string,
    @Body() body: UpdateAccountDto,
  ): Promise<AccountDto> {
    return this.accounts.assignOwner(auth.workspaceId, accountId, body.owner);
  }

  @ApiRead(
    'An account: profile, lifecycle phase, touch model and health with trends',
    AccountDto,
    ':accountId',
  )
  @ApiResponse({ status: 404, description: 'no such account in the workspace of the token' })
  account(@Auth() auth: AuthContext, @Param('accountId') accountId: string): Promise<AccountDto> {
    return this.accounts.account(auth.workspaceId, accountId);
  }

  @Get(':accountId/health')
  @RequireScopes('read')
  @ApiOperation({
    summary:
      'Why the account scores what it scores: measures, what decided it, recent events and changes; ' +
      'with asOf, its score, band, coverage and metric values as they stood at the end of that day',
  })
  @ApiExtraModels(HealthExplanationDto, HealthAsOfDto)
  @ApiResponse({
    status: 200,
    description: 'HealthExplanationDto without asOf, HealthAsOfDto with it',
    schema: {
      oneOf: [{ $ref: getSchemaPath(HealthExplanationDto) }, { $ref: getSchemaPath(HealthAsOfDto) }],
    },
  })
  @ApiResponse({ status: 400, description: 'asOf not a day that exists (YYYY-MM-DD) or a day to come' })
  @ApiResponse({
    status: 404,
    description: 'no such account in the workspace of the token, or (asOf) it had no score yet then',
  })
  health(
    @Auth() auth: AuthContext,
    @Param('accountId') accountId: string,
    @Query() query: HealthAsOfQuery,
  ): Promise<HealthExplanationDto | HealthAsOfDto> {
    return query.asOf === undefined
      ? this.accounts.explain(auth.workspaceId, accountId)
      : this.accounts.healthAsOf(auth.workspaceId, accountId, query.asOf);
  }

  @ApiRead(
    'The score over time, in time order, with the 7- and 30-day trends',
    HealthHistoryDto,
    ':accountId/health/history',
  )
  @ApiResponse({ status: 400, description: 'invalid range or limit, with field paths' })
  @ApiResponse({ status: 404, description: 'no such account in the workspace of the token' })
  history(
    @Auth() auth: AuthContext,
    @Param('accountId') accountId: string,
    @Query() query: HealthHistoryQuery,
  ): Promise<HealthHistoryDto> {
    return this.accounts.history(auth.workspaceId, accountId, query);
  }

  @ApiAction(
    'Override the score (replacing any active override) and answer the fresh health',
    HealthExplanationDto,
    ':accountId/health/override',
  )
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  @ApiResponse({ status: 404, description: 'no such account in the workspace of the token' })
  @ApiResponse({ status: 503, description: 'saved, but the score could not be recomputed yet' })
  setOverride(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('accountId') accountId: string,
    @Body() body: SetOverrideDto,
  ): Promise<HealthExplanationDto> {
    return this.accounts.setOverride(auth.workspaceId, accountId, body, this.authorOf(auth, authorization));
  }

  @Delete(':accountId/health/override')
  @HttpCode(204)
  @RequireScopes('write')
  @ApiOperation({
    summary: 'End the active override: the computed score applies again (rescored before the answer)',
  })
  @ApiResponse({ status: 204, description: 'ended; GET …/health shows the computed score' })
  @ApiResponse({ status: 404, description: 'no such account, or it has no active override' })
  @ApiResponse({ status: 503, description: 'cleared, but the score could not be recomputed yet' })
  clearOverride(@Auth() auth: AuthContext, @Param('accountId') accountId: string): Promise<void> {
    return this.accounts.clearOverride(auth.workspaceId, accountId);
  }

  /**
   * Who set an override: the API token's name, which AuthContext does not carry, so it is read
   * from the credential the guard has just accepted; its id when the token has no name.
   */
  private authorOf(auth: AuthContext, authorization: string | undefined): string {
    const secret = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const credential = secret ? this.credentials.authenticate(secret, 'api_token') : undefined;
    const label = credential?.id === auth.credentialId ? credential.label.trim() : '';
    return label || auth.credentialId;
  }
}
