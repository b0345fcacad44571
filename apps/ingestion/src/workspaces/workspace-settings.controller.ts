import { Body } from '@nestjs/common';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead, ApiReplace } from '@tsuzuku/platform-runtime';
import { PutWorkspaceSettingsDto, WorkspaceSettingsDto } from './dto/admin.dto';
import { WorkspaceSettingsService } from './workspace-settings.service';
import { WorkspaceSettingsView } from './workspace-settings';

/**
 * The settings of the calling token's workspace that every service applies: today the fallback
 * owner of alerts (alerting) and tasks (playbooks).
 */
@ApiController('workspace settings', 'v1/workspace-settings')
export class WorkspaceSettingsController {
  constructor(private readonly settings: WorkspaceSettingsService) {}

  @ApiRead("The workspace's settings (fallback owner)", WorkspaceSettingsDto)
  get(@Auth() auth: AuthContext): Promise<WorkspaceSettingsView> {
    return this.settings.get(auth.workspaceId);
  }

  @ApiReplace(
    'Replace the settings: the fallback owner of alerts raised and tasks created from now on, in alerting and playbooks',
    WorkspaceSettingsDto,
  )
  put(@Auth() auth: AuthContext, @Body() body: PutWorkspaceSettingsDto): Promise<WorkspaceSettingsView> {
    return this.settings.setFallbackOwner(auth.workspaceId, body.fallbackOwner);
  }
}
