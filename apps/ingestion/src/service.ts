import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from './config/ingestion.config';
import { AppModule } from './app.module';

/** The ingestion service: what main.ts runs and what the tests boot. */
export const ingestionService: ServiceDefinition<IngestionConfig> = {
  name: 'ingestion',
  description: 'Segment-compatible event API: validates customer events and publishes them to Kafka.',
  configClass: IngestionConfig,
  module: (config) => AppModule.register(config),
};
