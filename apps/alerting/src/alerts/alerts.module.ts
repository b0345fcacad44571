import { Global, Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { RulesModule } from '../rules/rules.module';
import { AccountsConsumer } from './accounts.consumer';
import { AlertWriter } from './alert-writer';
import { AlertingEngine } from './alerting.engine';
import { AlertingSweep } from './alerting.sweep';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/** Alerts: the engine that raises and resolves them, its consumer and sweep, and their API. */
@Global()
@Module({
  imports: [RulesModule, NotificationsModule],
  controllers: [AlertsController],
  providers: [AlertWriter, AlertingEngine, AlertsService, AccountsConsumer, AlertingSweep],
  exports: [AlertingEngine, AlertingSweep],
})
export class AlertsModule {}
