import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from './config/health-scoring.config';
import { AppModule } from './app.module';

/** The health-scoring service: what main.ts runs and what the tests boot. */
export const healthScoringService: ServiceDefinition<HealthScoringConfig> = {
  name: 'health-scoring',
  description: 'Live, explainable DEAR health scores for every customer account.',
  configClass: HealthScoringConfig,
  module: (config) => AppModule.register(config),
};
