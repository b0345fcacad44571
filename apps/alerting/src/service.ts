import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { AlertingConfig } from './config/alerting.config';
import { AppModule } from './app.module';

/** The alerting service: what main.ts runs and what the tests boot. */
export const alertingService: ServiceDefinition<AlertingConfig> = {
  name: 'alerting',
  description: 'Early warnings: alert rules, alert lifecycle and notifications.',
  configClass: AlertingConfig,
  module: (config) => AppModule.register(config),
};
