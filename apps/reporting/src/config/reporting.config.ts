import { GrpcServiceConfig } from '@tsuzuku/platform-config';

/** The port of the gRPC ReportingService when GRPC_PORT is not set. */
export const DEFAULT_GRPC_PORT = 5005;

/** Environment of the reporting service. */
export class ReportingConfig extends GrpcServiceConfig {
  override PORT = 3005;
}
