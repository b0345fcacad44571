import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ServiceConfig, ToNumber } from '@tsuzuku/platform-config';

/** The gRPC port when GRPC_PORT is not set. */
export const DEFAULT_GRPC_PORT = 5005;

/** Environment of the reporting service. */
export class ReportingConfig extends ServiceConfig {
  override PORT = 3005;

  /**
   * Port of the gRPC ReportingService (with server reflection); 0 picks a free one. Unset: 5005,
   * or a free port when PORT is 0 (a service started on a free port, as tests do).
   */
  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  GRPC_PORT?: number = undefined;
}

/** The gRPC port to listen on, from the configuration. */
export function grpcPortOf(config: ReportingConfig): number {
  return config.GRPC_PORT ?? (config.PORT === 0 ? 0 : DEFAULT_GRPC_PORT);
}
