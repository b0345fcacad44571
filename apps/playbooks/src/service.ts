import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from './config/playbooks.config';
import { AppModule } from './app.module';

/** The playbooks service: what main.ts runs and what the tests boot. */
export const playbooksService: ServiceDefinition<PlaybooksConfig> = {
  name: 'playbooks',
  description: 'Durable customer-success playbooks and CSM tasks.',
  configClass: PlaybooksConfig,
  module: (config) => AppModule.register(config),
};
