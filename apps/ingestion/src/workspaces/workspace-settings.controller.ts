import { Body, Controller, Get, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { PutWorkspaceSettingsDto, WorkspaceSettingsDto } from './dto/admin.dto';
import { WorkspaceSettingsService } from './workspace-settings.service';
import { WorkspaceSettingsView } from './workspace-settings';

/**
 * The settings of the calling token's workspace that every service applies: today the fallback
 * owner of alerts (alerting) and tasks (playbooks).
 */
@ApiTags('workspace settings')
@Controller('v1/workspace-settings')
@UsePipes(requestValidationPipe())
export class WorkspaceSettingsController {
  constructor(private readonly settings: WorkspaceSettingsService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's settings (fallback owner)" })
  @ApiResponse({ status: 200, type: WorkspaceSettingsDto })
  get(@Auth() auth: AuthContext): Promise<WorkspaceSettingsView> {
    return this.settings.get(auth.workspaceId);
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation(
    'Replace the settings: the fallback owner of alerts raised and tasks created from now on, in alerting and playbooks',
  )
  @ApiResponse({ status: 200, type: WorkspaceSettingsDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  put(@Auth() auth: AuthContext, @Body() body: PutWorkspaceSettingsDto): Promise<WorkspaceSettingsView> {
    return this.settings.setFallbackOwner(auth.workspaceId, body.fallbackOwner);
  }
}
