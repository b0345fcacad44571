import { Module } from '@nestjs/common';
import { WorkspaceSettingsService } from './workspace-settings.service';

/** The workspaces' settings as stored and cached, which the scoring reads (no API). */
@Module({
  providers: [WorkspaceSettingsService],
  exports: [WorkspaceSettingsService],
})
export class SettingsStorageModule {}
