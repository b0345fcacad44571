import { Injectable, Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { GrpcOptions, ServerGrpc } from '@nestjs/microservices';
import { ReportingConfig, grpcPortOf } from '../config/reporting.config';
import { reportingProtoPath } from './proto-path';

/** The proto package the ReportingService is declared in. */
export const REPORTING_GRPC_PACKAGE = 'tsuzuku.reporting.v1';

/**
 * Nest's gRPC transport, remembering the port it bound (GRPC_PORT=0 picks a free one, which
 * ServerGrpc does not tell).
 */
class BoundGrpcTransport extends ServerGrpc {
  private readonly bound: Promise<number>;
  private resolveBound!: (port: number) => void;
  port?: number;

  constructor(options: GrpcOptions['options']) {
    super(options);
    this.bound = new Promise((resolve) => (this.resolveBound = resolve));
  }

  override async createClient(): Promise<grpc.Server> {
    const server = new grpc.Server();
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.url, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.resolveBound(this.port);
    return server;
  }

  /** Resolves once the server is bound. */
  whenBound(): Promise<number> {
    return this.bound;
  }
}

/**
 * The wiring of reporting's gRPC server (libs/contracts/proto/reporting.v1.proto), served by
 * @nestjs/microservices on the HTTP application (a hybrid app), so that guards, pipes,
 * interceptors and exception filters apply as over REST: the handlers are ReportingGrpcController's
 * @GrpcMethod methods. Server reflection lists the services.
 */
@Injectable()
export class ReportingGrpcServer {
  private readonly logger = new Logger(ReportingGrpcServer.name);
  private transport?: BoundGrpcTransport;

  constructor(private readonly config: ReportingConfig) {}

  /** The port it listens on, once started. */
  get port(): number | undefined {
    return this.transport?.port;
  }

  /**
   * Connects the gRPC transport to the application, inheriting its global pipes, filters,
   * interceptors and guards; it starts with app.startAllMicroservices().
   */
  connect(app: INestApplication): void {
    const address = `${this.config.HOST}:${grpcPortOf(this.config)}`;
    this.transport = new BoundGrpcTransport({
      package: REPORTING_GRPC_PACKAGE,
      protoPath: reportingProtoPath(),
      url: address,
      // Messages as the query DTOs read them: camelCase fields, unset ones absent (no proto3
      // defaults, no synthetic oneof markers of optional fields).
      loader: { keepCase: false, longs: String, enums: String, defaults: false, oneofs: false },
      onLoadPackageDefinition: (definition, server) =>
        new ReflectionService(definition).addToServer(server as grpc.Server),
      gracefulShutdown: true,
    });
    app.connectMicroservice({ strategy: this.transport }, { inheritAppConfig: true });
    void this.transport
      .whenBound()
      .then((port) =>
        this.logger.log(`gRPC ReportingService listening on ${this.config.HOST}:${port} (reflection on)`),
      );
  }
}

/** Connects reporting's gRPC server to the application (the service's configureApp). */
export function connectReportingGrpc(app: INestApplication): void {
  app.get(ReportingGrpcServer).connect(app);
}
