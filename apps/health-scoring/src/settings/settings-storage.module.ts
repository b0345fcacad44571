import { Module } from '@nestjs/common';
import { WorkspaceSettingsRepository } from './workspace-settings.repository';
import { WorkspaceSettingsService } from './workspace-settings.service';

/** The workspaces' settings as stored and cached, which the scoring reads (no API). */
@Module({
  providers: [WorkspaceSettingsRepository, WorkspaceSettingsService],
  exports: [WorkspaceSettingsService],
})
export class SettingsStorageModule {}
