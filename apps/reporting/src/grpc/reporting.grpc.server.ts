import { Injectable } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { grpcPortOf } from '@tsuzuku/platform-config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { ServiceGrpcServer, ServingStatus } from '@tsuzuku/platform-grpc';
import { DEFAULT_GRPC_PORT, ReportingConfig } from '../config/reporting.config';
import { reportingProtoPath } from './proto-path';

/** The proto package the ReportingService is declared in. */
export const REPORTING_GRPC_PACKAGE = 'tsuzuku.reporting.v1';
/** The ReportingService's full name, as grpc.health.v1 and the server spans name it. */
export const REPORTING_GRPC_SERVICE = `${REPORTING_GRPC_PACKAGE}.ReportingService`;

/**
 * Reporting's gRPC server (libs/contracts/proto/reporting.v1.proto) on the HTTP application: the
 * handlers are ReportingGrpcController's @GrpcMethod methods. grpc.health.v1 answers SERVING
 * while the database is connected and the server is not shutting down.
 */
@Injectable()
export class ReportingGrpcServer extends ServiceGrpcServer {
  constructor(config: ReportingConfig, database: DatabaseStatus) {
    super({
      package: REPORTING_GRPC_PACKAGE,
      service: 'ReportingService',
      protoPath: reportingProtoPath(),
      host: config.HOST,
      port: grpcPortOf(config, DEFAULT_GRPC_PORT),
      status: () => (database.reason !== undefined ? ServingStatus.NOT_SERVING : ServingStatus.SERVING),
    });
  }
}

/** Connects reporting's gRPC server to the application (the service's configureApp). */
export function connectReportingGrpc(app: INestApplication): void {
  app.get(ReportingGrpcServer).connect(app);
}
