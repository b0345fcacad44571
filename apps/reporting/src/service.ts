import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { ReportingConfig } from './config/reporting.config';
import { AppModule } from './app.module';
import { connectReportingGrpc } from './grpc/reporting.grpc.server';

/** The reporting service: what main.ts runs and what the tests boot. */
export const reportingService: ServiceDefinition<ReportingConfig> = {
  name: 'reporting',
  description: 'Retention KPIs: MRR movements, churn, GRR/NRR, NPS, adoption.',
  configClass: ReportingConfig,
  module: (config) => AppModule.register(config),
  // gRPC on the same application (a hybrid app), sharing its guards, pipes, interceptors and filters.
  configureApp: (app) => connectReportingGrpc(app),
};
