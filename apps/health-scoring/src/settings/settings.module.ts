import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { SettingsController } from './settings.controller';
import { SettingsStorageModule } from './settings-storage.module';

/** The workspace settings API: a change is stored, then the workspace is rescored (through `Rescorer`). */
@Module({
  imports: [SettingsStorageModule, ScoringModule],
  controllers: [SettingsController],
})
export class SettingsModule {}
