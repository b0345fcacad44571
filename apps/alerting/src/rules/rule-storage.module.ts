import { Module } from '@nestjs/common';
import { WorkspaceSettingsRepository } from '../settings/workspace-settings.repository';
import { RuleRepository } from './rule.repository';
import { WorkspaceRulesService } from './workspace-rules.service';

/** The rules and workspace settings as stored, for the engine and for the rules API alike. */
@Module({
  providers: [RuleRepository, WorkspaceSettingsRepository, WorkspaceRulesService],
  exports: [RuleRepository, WorkspaceSettingsRepository, WorkspaceRulesService],
})
export class RuleStorageModule {}
