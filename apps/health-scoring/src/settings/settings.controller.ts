import { Body } from '@nestjs/common';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead, ApiReplace } from '@tsuzuku/platform-runtime';
import { Rescorer } from '../scoring/ports';
import {
  ChangedWorkspaceSettingsDto,
  PutWorkspaceSettingsDto,
  WorkspaceSettingsDto,
} from './dto/workspace-settings.dto';
import { WorkspaceSettingsService, WorkspaceSettingsView } from './workspace-settings.service';

/** The settings of the calling token's workspace; a change rescores its accounts before answering. */
@ApiController('settings', 'v1/settings')
export class SettingsController {
  constructor(
    private readonly settings: WorkspaceSettingsService,
    private readonly rescorer: Rescorer,
  ) {}

  @ApiRead("The workspace's settings (the defaults until set)", WorkspaceSettingsDto)
  get(@Auth() auth: AuthContext): Promise<WorkspaceSettingsView> {
    return this.settings.view(auth.workspaceId);
  }

  @ApiReplace(
    'Replace the settings: onboarding milestones, key features, renewal window, touch-model MRR thresholds',
    ChangedWorkspaceSettingsDto,
  )
  async put(
    @Auth() auth: AuthContext,
    @Body() body: PutWorkspaceSettingsDto,
  ): Promise<WorkspaceSettingsView & { readonly rescored: number }> {
    const saved = await this.settings.replace(auth.workspaceId, {
      onboardingMilestones: body.onboardingMilestones,
      keyFeatures: body.keyFeatures,
      renewalWindowDays: body.renewalWindowDays,
      touchHighMrr: body.touchHighMrr,
      touchLowMrr: body.touchLowMrr,
    });
    const rescored = await this.rescorer.rescoreWorkspace(auth.workspaceId, 'settings changed');
    return { ...saved, rescored };
  }
}
