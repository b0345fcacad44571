import { Body, Controller, Get, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { AlertSettingsService } from './alert-settings.service';
import { AlertSettingsDto, PutAlertSettingsDto } from './dto/alert-settings.dto';

/** The alerting settings of the calling token's workspace: who owns alerts when no CSM is named. */
@ApiTags('alert-settings')
@Controller('v1/alert-settings')
@UsePipes(requestValidationPipe())
export class AlertSettingsController {
  constructor(private readonly settings: AlertSettingsService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's alerting settings" })
  @ApiResponse({ status: 200, type: AlertSettingsDto })
  get(@Auth() auth: AuthContext): Promise<AlertSettingsDto> {
    return this.settings.get(auth.workspaceId);
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation('Replace the alerting settings: the default owner of alerts raised from now on')
  @ApiResponse({ status: 200, type: AlertSettingsDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  put(@Auth() auth: AuthContext, @Body() body: PutAlertSettingsDto): Promise<AlertSettingsDto> {
    return this.settings.setDefaultOwner(auth.workspaceId, body.defaultOwner);
  }
}
