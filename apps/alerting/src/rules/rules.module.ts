import { Module } from '@nestjs/common';
import { AlertSettingsController } from '../settings/alert-settings.controller';
import { RulesController } from './rules.controller';
import { RulesStore } from './rules.store';

/**
 * Alert rules and the workspace's alerting settings. The controller re-evaluates accounts
 * through the AlertingEngine of the global AlertsModule; the store does not, so the engine can
 * depend on it.
 */
@Module({
  controllers: [RulesController, AlertSettingsController],
  providers: [RulesStore],
  exports: [RulesStore],
})
export class RulesModule {}
