import { DynamicModule, Module } from '@nestjs/common';
import { serviceRootModule } from '@tsuzuku/platform-runtime';
import { AlertingConfig } from './config/alerting.config';
import { alertingDatabase } from './database/alerting.database';
import { AlertsModule } from './alerts/alerts.module';
import { RulesModule } from './rules/rules.module';
import { NotificationsModule } from './notifications/notifications.module';

@Module({})
export class AppModule {
  static register(config: AlertingConfig): DynamicModule {
    const features = [AlertsModule, RulesModule, NotificationsModule];
    return serviceRootModule(AppModule, 'alerting', config, alertingDatabase, features);
  }
}
