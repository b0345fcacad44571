import { Module } from '@nestjs/common';
import { SettingsController } from './settings.controller';
import { WorkspaceSettingsService } from './workspace-settings.service';

/**
 * Workspace settings: their API and the service the scoring reads. The controller needs
 * `Rescorer`, from the global ScoringModule; the service does not, so the engine can depend on it.
 */
@Module({
  controllers: [SettingsController],
  providers: [WorkspaceSettingsService],
  exports: [WorkspaceSettingsService],
})
export class SettingsModule {}
