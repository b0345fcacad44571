import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AlertSettingsController } from '../settings/alert-settings.controller';
import { AlertSettingsService } from '../settings/alert-settings.service';
import { RuleStorageModule } from './rule-storage.module';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

/**
 * The rules API and the workspace's alerting settings (read: they come from cs.workspaces.v1). A rule change re-evaluates accounts
 * through the AlertsModule's engine; the engine reads rules through RuleStorageModule, so the
 * two modules do not depend on each other in a cycle.
 */
@Module({
  imports: [AlertsModule, RuleStorageModule],
  controllers: [RulesController, AlertSettingsController],
  providers: [RulesService, AlertSettingsService],
})
export class RulesModule {}
