import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { ServiceGrpcServer, ServingStatus } from '@tsuzuku/platform-grpc';
import { ReportingConfig, grpcPortOf } from '../config/reporting.config';
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
export class ReportingGrpcServer implements BeforeApplicationShutdown {
  private readonly server: ServiceGrpcServer;

  constructor(config: ReportingConfig, database: DatabaseStatus) {
    this.server = new ServiceGrpcServer({
      package: REPORTING_GRPC_PACKAGE,
      service: 'ReportingService',
      protoPath: reportingProtoPath(),
      host: config.HOST,
      port: grpcPortOf(config),
      status: () => (database.reason !== undefined ? ServingStatus.NOT_SERVING : ServingStatus.SERVING),
    });
  }

  /** From SIGTERM on, health checks answer NOT_SERVING, and watchers are told so and let go. */
  beforeApplicationShutdown(): void {
    this.server.stop();
  }

  /** The port it listens on, once started. */
  get port(): number | undefined {
    return this.server.port;
  }

  /** Connects the gRPC transport to the application; it starts with app.startAllMicroservices(). */
  connect(app: INestApplication): void {
    this.server.connect(app);
  }
}

/** Connects reporting's gRPC server to the application (the service's configureApp). */
export function connectReportingGrpc(app: INestApplication): void {
  app.get(ReportingGrpcServer).connect(app);
}
