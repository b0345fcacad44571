import { Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, INestApplication } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { BoundGrpcTransport } from './bound-grpc-transport';
import { GrpcHealthService, ServingStatus } from './grpc-health.service';

/** What one service's gRPC server serves, and where. */
export interface ServiceGrpcOptions {
  /** The proto package, e.g. tsuzuku.reporting.v1. */
  readonly package: string;
  /** The service's name within the package, e.g. ReportingService. */
  readonly service: string;
  readonly protoPath: string;
  readonly host: string;
  /** 0 picks a free port (see `port` once bound). */
  readonly port: number;
  /** SERVING or NOT_SERVING for grpc.health.v1, read at each check (e.g. from the database's state). */
  readonly status: () => ServingStatus.SERVING | ServingStatus.NOT_SERVING;
}

/**
 * A service's gRPC server, served by @nestjs/microservices on the HTTP application (a hybrid
 * app), so that guards, pipes, interceptors and exception filters apply as over REST: the
 * handlers are the application's @GrpcMethod methods. Server reflection lists the services, and
 * grpc.health.v1 answers the given status until `stop()` (from SIGTERM on) makes it NOT_SERVING.
 * A service's server extends it as an injectable whose constructor gives its options.
 */
export class ServiceGrpcServer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ServiceGrpcServer.name);
  private transport?: BoundGrpcTransport;
  private stopping = false;
  private readonly health: GrpcHealthService;

  constructor(private readonly options: ServiceGrpcOptions) {
    this.health = new GrpcHealthService([this.serviceName], () =>
      this.stopping ? ServingStatus.NOT_SERVING : options.status(),
    );
  }

  /** The service's full name (package.Service), as grpc.health.v1 and the server spans name it. */
  get serviceName(): string {
    return `${this.options.package}.${this.options.service}`;
  }

  /** The port it listens on, once started. */
  get port(): number | undefined {
    return this.transport?.port;
  }

  /** Health checks answer NOT_SERVING from now on, and watchers are told so and let go. */
  stop(): void {
    this.stopping = true;
    this.health.stop();
  }

  /** From SIGTERM on, health checks answer NOT_SERVING, and watchers are told so and let go. */
  beforeApplicationShutdown(): void {
    this.stop();
  }

  /**
   * Connects the gRPC transport to the application, inheriting its global pipes, filters,
   * interceptors and guards; it starts with app.startAllMicroservices().
   */
  connect(app: INestApplication): void {
    const { host, port } = this.options;
    this.transport = new BoundGrpcTransport(
      {
        package: this.options.package,
        protoPath: this.options.protoPath,
        url: `${host}:${port}`,
        // Messages as the DTOs read them: camelCase fields, unset ones absent (no proto3
        // defaults, no synthetic oneof markers of optional fields).
        loader: { keepCase: false, longs: String, enums: String, defaults: false, oneofs: false },
        onLoadPackageDefinition: (definition, server) => {
          new ReflectionService(definition).addToServer(server as grpc.Server);
          this.health.addTo(server as grpc.Server);
        },
        gracefulShutdown: true,
      },
      this.serviceName,
    );
    app.connectMicroservice({ strategy: this.transport }, { inheritAppConfig: true });
    void this.transport
      .whenBound()
      .then((bound) =>
        this.logger.log(
          `gRPC ${this.options.service} listening on ${host}:${bound} (reflection and grpc.health.v1 on)`,
        ),
      );
  }
}
