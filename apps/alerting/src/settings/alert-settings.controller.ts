import { Controller, Get, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { AlertSettingsService } from './alert-settings.service';
import { AlertSettingsDto } from './dto/alert-settings.dto';

/**
 * The alerting settings of the calling token's workspace as alerting applies them: the fallback
 * owner of alerts when the account names no owner. It is one workspace setting, changed through
 * ingestion (PUT /v1/workspace-settings) and read here from cs.workspaces.v1.
 */
@ApiTags('alert-settings')
@Controller('v1/alert-settings')
@UsePipes(requestValidationPipe())
export class AlertSettingsController {
  constructor(private readonly settings: AlertSettingsService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({
    summary:
      "The workspace's fallback owner as alerting applies it (change it with ingestion's PUT /v1/workspace-settings)",
  })
  @ApiResponse({ status: 200, type: AlertSettingsDto })
  get(@Auth() auth: AuthContext): Promise<AlertSettingsDto> {
    return this.settings.get(auth.workspaceId);
  }
}
