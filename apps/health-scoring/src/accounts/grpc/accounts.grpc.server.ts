import { Injectable } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { grpcPortOf } from '@tsuzuku/platform-config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { ServiceGrpcServer, ServingStatus, contractsProtoPath } from '@tsuzuku/platform-grpc';
import { DEFAULT_GRPC_PORT, HealthScoringConfig } from '../../config/health-scoring.config';

/** The proto package the AccountsService is declared in. */
export const ACCOUNTS_GRPC_PACKAGE = 'tsuzuku.accounts.v1';
/** The AccountsService's full name, as grpc.health.v1 and the server spans name it. */
export const ACCOUNTS_GRPC_SERVICE = `${ACCOUNTS_GRPC_PACKAGE}.AccountsService`;
export const ACCOUNTS_PROTO = 'accounts.v1.proto';

/**
 * Health-scoring's gRPC server (libs/contracts/proto/accounts.v1.proto) on the HTTP application:
 * the handlers are AccountsGrpcController's @GrpcMethod methods. grpc.health.v1 answers SERVING
 * while the database is connected and the server is not shutting down.
 */
@Injectable()
export class AccountsGrpcServer extends ServiceGrpcServer {
  constructor(config: HealthScoringConfig, database: DatabaseStatus) {
    super({
      package: ACCOUNTS_GRPC_PACKAGE,
      service: 'AccountsService',
      protoPath: contractsProtoPath(ACCOUNTS_PROTO),
      host: config.HOST,
      port: grpcPortOf(config, DEFAULT_GRPC_PORT),
      status: () => (database.reason !== undefined ? ServingStatus.NOT_SERVING : ServingStatus.SERVING),
    });
  }
}

/** Connects health-scoring's gRPC server to the application (the service's configureApp). */
export function connectAccountsGrpc(app: INestApplication): void {
  app.get(AccountsGrpcServer).connect(app);
}
