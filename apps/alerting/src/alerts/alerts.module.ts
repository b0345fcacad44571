import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { RuleStorageModule } from '../rules/rule-storage.module';
import { WorkspaceSettingsApplier } from '../settings/workspace-settings.applier';
import { AccountSnapshotRepository } from './account-snapshot.repository';
import { AccountsConsumer } from './accounts.consumer';
import { AlertRepository } from './alert.repository';
import { AlertWriter } from './alert-writer';
import { AlertingEngine } from './alerting.engine';
import { AlertingSweep } from './alerting.sweep';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/** Alerts: the engine that raises and resolves them, its consumer and sweep, and their API. */
@Module({
  imports: [RuleStorageModule, NotificationsModule],
  controllers: [AlertsController],
  providers: [
    AccountSnapshotRepository,
    AlertRepository,
    AlertWriter,
    AlertingEngine,
    AlertsService,
    AccountsConsumer,
    AlertingSweep,
    WorkspaceSettingsApplier,
  ],
  exports: [AlertingEngine, AlertingSweep],
})
export class AlertsModule {}
