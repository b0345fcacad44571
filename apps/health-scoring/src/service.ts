import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from './config/health-scoring.config';
import { AppModule } from './app.module';
import { connectAccountsGrpc } from './accounts/grpc/accounts.grpc.server';

/** The health-scoring service: what main.ts runs and what the tests boot. */
export const healthScoringService: ServiceDefinition<HealthScoringConfig> = {
  name: 'health-scoring',
  description: 'Live, explainable DEAR health scores for every customer account.',
  configClass: HealthScoringConfig,
  module: (config) => AppModule.register(config),
  // gRPC on the same application (a hybrid app), sharing its guards, pipes, interceptors and filters.
  configureApp: (app) => connectAccountsGrpc(app),
};
