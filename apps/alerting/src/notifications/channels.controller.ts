import { Body, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import {
  ApiAction,
  ApiController,
  ApiCreate,
  ApiDelete,
  ApiRead,
  ApiReplace,
  Page,
} from '@tsuzuku/platform-runtime';
import { ChannelsService } from './channels.service';
import {
  ChannelDto,
  ChannelInputDto,
  ChannelPageDto,
  CreatedChannelDto,
  DeliveryPageDto,
  ListChannelsQuery,
  ListDeliveriesQuery,
  RotateSecretDto,
} from './dto/channel.dto';

/** Where the workspace's alerts are sent: signed webhooks, Slack-compatible webhooks, email. */
@ApiController('notification-channels', 'v1/notification-channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @ApiRead(
    "The workspace's notification channels, oldest first, a page at a time (secrets never shown)",
    ChannelPageDto,
  )
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  list(@Auth() auth: AuthContext, @Query() query: ListChannelsQuery): Promise<Page<ChannelDto>> {
    return this.channels.list(auth.workspaceId, query);
  }

  @ApiRead('One notification channel', ChannelDto, ':id')
  @ApiResponse({ status: 404, description: 'no such channel in this workspace' })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ChannelDto> {
    return this.channels.get(auth.workspaceId, id);
  }

  @ApiCreate('Create a channel; a webhook answers its signing secret this once', CreatedChannelDto)
  create(@Auth() auth: AuthContext, @Body() body: ChannelInputDto): Promise<CreatedChannelDto> {
    return this.channels.create(auth.workspaceId, body);
  }

  @ApiReplace(
    'Replace a channel',
    ChannelDto,
    ':id',
    'The signing secret is write-only: a webhook keeps its current secret when none is given.',
  )
  @ApiResponse({ status: 404, description: 'no such channel in this workspace' })
  replace(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ChannelInputDto,
  ): Promise<ChannelDto> {
    return this.channels.replace(auth.workspaceId, id, body);
  }

  @ApiDelete('Delete a channel and its deliveries', ':id')
  @ApiResponse({ status: 404, description: 'no such channel in this workspace' })
  delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.channels.delete(auth.workspaceId, id);
  }

  @ApiAction(
    'New signing secret for a webhook; the previous one keeps signing beside it for a while',
    CreatedChannelDto,
    ':id/rotate-secret',
  )
  @ApiResponse({ status: 400, description: 'not a webhook channel, or an invalid body' })
  @ApiResponse({ status: 404, description: 'no such channel in this workspace' })
  rotate(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: RotateSecretDto,
  ): Promise<CreatedChannelDto> {
    return this.channels.rotateSecret(auth.workspaceId, id, body.previousValidForMinutes ?? 1440);
  }
}

/** Every attempt to notify a channel, with its status, attempts and last error. */
@ApiController('notification-deliveries', 'v1/notification-deliveries')
export class DeliveriesController {
  constructor(private readonly channels: ChannelsService) {}

  @ApiRead('Notification deliveries, newest first, a page at a time', DeliveryPageDto)
  @ApiResponse({ status: 400, description: 'invalid filter, limit or cursor, with field paths' })
  list(@Auth() auth: AuthContext, @Query() query: ListDeliveriesQuery): Promise<DeliveryPageDto> {
    return this.channels.deliveries(auth.workspaceId, query);
  }
}
