import { Body, Controller, Get, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { Rescorer } from '../scoring/ports';
import {
  ChangedWorkspaceSettingsDto,
  PutWorkspaceSettingsDto,
  WorkspaceSettingsDto,
} from './dto/workspace-settings.dto';
import { WorkspaceSettingsService, WorkspaceSettingsView } from './workspace-settings.service';

/** The settings of the calling token's workspace; a change rescores its accounts before answering. */
@ApiTags('settings')
@Controller('v1/settings')
@UsePipes(requestValidationPipe())
export class SettingsController {
  constructor(
    private readonly settings: WorkspaceSettingsService,
    private readonly rescorer: Rescorer,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's settings (the defaults until set)" })
  @ApiResponse({ status: 200, type: WorkspaceSettingsDto })
  get(@Auth() auth: AuthContext): Promise<WorkspaceSettingsView> {
    return this.settings.view(auth.workspaceId);
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation(
    'Replace the settings: onboarding milestones, key features, renewal window, touch-model MRR thresholds',
  )
  @ApiResponse({ status: 200, type: ChangedWorkspaceSettingsDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
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
