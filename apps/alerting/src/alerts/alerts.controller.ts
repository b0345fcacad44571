import { Body, Headers, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext, CredentialStore } from '@tsuzuku/platform-auth';
import { ApiAction, ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { actorOf } from '../shared/actor';
import { AlertWithHistory, AlertsService } from './alerts.service';
import { ManualAction } from './domain/alert-lifecycle';
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

  @ApiAction('Acknowledge an open or snoozed alert', AlertWithHistoryDto, ':id/acknowledge')
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  @ApiResponse({ status: 409, description: 'resolved or acknowledged already' })
  acknowledge(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: AcknowledgeAlertDto,
  ): Promise<AlertWithHistory> {
    return this.act(auth, authorization, id, 'acknowledge', body);
  }

  @ApiAction(
    'Snooze an alert until a time; it opens again then if its condition still holds',
    AlertWithHistoryDto,
    ':id/snooze',
  )
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  @ApiResponse({ status: 409, description: 'resolved already' })
  snooze(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: SnoozeAlertDto,
  ): Promise<AlertWithHistory> {
    return this.act(auth, authorization, id, 'snooze', body);
  }

  @ApiAction(
    "Resolve an alert by hand, with a note; the rule's cooldown starts",
    AlertWithHistoryDto,
    ':id/resolve',
  )
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  @ApiResponse({ status: 404, description: 'no such alert in the workspace of the token' })
  @ApiResponse({ status: 409, description: 'resolved already' })
  resolve(
    @Auth() auth: AuthContext,
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Body() body: ResolveAlertDto,
  ): Promise<AlertWithHistory> {
    return this.act(auth, authorization, id, 'resolve', body);
  }

  /** A manual action on an alert, made by the calling API token (its name, else its id). */
  private act(
    auth: AuthContext,
    authorization: string | undefined,
    id: string,
    action: ManualAction,
    body: { note?: string; until?: string },
  ): Promise<AlertWithHistory> {
    return this.alerts.act(
      auth.workspaceId,
      id,
      action,
      actorOf(this.credentials, auth, authorization),
      body,
    );
  }
}
