import { Body, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext, CredentialStore, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { actorOf } from '../shared/actor';
import { AlertWithHistory, AlertsService } from './alerts.service';
import {
  AcknowledgeAlertDto,
  AlertPageDto,
  AlertWithHistoryDto,
  ListAlertsQuery,
  ResolveAlertDto,
  SnoozeAlertDto,
} from './dto/alert.dto';

/** The alerts of the calling token's workspace and what people do with them. */
@ApiController('alerts', 'v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly credentials: CredentialStore,
  ) {}

  @ApiRead('List alerts, newest first, a page at a time', AlertPageDto)
  @ApiResponse({ status: 400, description: 'invalid filter, limit or cursor, with field paths' })
  list(@Auth() auth: AuthContext, @Query() query: ListAlertsQuery): Promise<AlertPageDto> {
    return this.alerts.list(auth.workspaceId, query);
  }

  @ApiRead('One alert with every state change it went through', AlertWithHistoryDto, ':id')
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<AlertWithHistory> {
    return this.alerts.get(auth.workspaceId, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({ summary: 'Acknowledge an open or snoozed alert' })
  @ApiResponse({ status: 200, type: AlertWithHistoryDto })
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  @ApiResponse({ status: 409, description: 'resolved or acknowledged already' })
  acknowledge(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: AcknowledgeAlertDto,
  ): Promise<AlertWithHistory> {
    return this.alerts.act(
      auth.workspaceId,
      id,
      'acknowledge',
      actorOf(this.credentials, auth, authorization),
      body,
    );
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({ summary: 'Snooze an alert until a time; it opens again then if its condition still holds' })
  @ApiResponse({ status: 200, type: AlertWithHistoryDto })
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  @ApiResponse({ status: 409, description: 'resolved already' })
  snooze(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: SnoozeAlertDto,
  ): Promise<AlertWithHistory> {
    return this.alerts.act(
      auth.workspaceId,
      id,
      'snooze',
      actorOf(this.credentials, auth, authorization),
      body,
    );
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({ summary: "Resolve an alert by hand, with a note; the rule's cooldown starts" })
  @ApiResponse({ status: 200, type: AlertWithHistoryDto })
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  @ApiResponse({ status: 409, description: 'resolved already' })
  resolve(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: ResolveAlertDto,
  ): Promise<AlertWithHistory> {
    return this.alerts.act(
      auth.workspaceId,
      id,
      'resolve',
      actorOf(this.credentials, auth, authorization),
      body,
    );
  }
}
