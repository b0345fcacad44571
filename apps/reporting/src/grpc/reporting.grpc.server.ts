import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { ReflectionService } from '@grpc/reflection';
import { GrpcOptions, ServerGrpc } from '@nestjs/microservices';
import { ReportingConfig, grpcPortOf } from '../config/reporting.config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { reportingProtoPath } from './proto-path';
import { GrpcHealthService, ServingStatus } from './grpc-health.service';

const tracer = trace.getTracer('tsuzuku-grpc');
const callLogger = new Logger('ReportingGrpc');

/** The W3C trace context a caller sent in its metadata (traceparent, tracestate). */
function traceCarrier(metadata: grpc.Metadata): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = metadata.get(name)[0];
    if (typeof value === 'string') carrier[name] = value;
  }
  return carrier;
}

/** The proto package the ReportingService is declared in. */
export const REPORTING_GRPC_PACKAGE = 'tsuzuku.reporting.v1';
/** The ReportingService's full name, as grpc.health.v1 and the server spans name it. */
export const REPORTING_GRPC_SERVICE = `${REPORTING_GRPC_PACKAGE}.ReportingService`;

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

  /**
   * Each unary call in a server span that continues the caller's trace (metadata traceparent),
   * with its gRPC status and one log line: around Nest's own handler, so that a call the guard
   * refuses is traced and logged too.
   */
  // Nest's own signature types the handler as Function.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  override createUnaryServiceMethod(methodHandler: Function): Function {
    const handle = super.createUnaryServiceMethod(methodHandler) as (
      call: grpc.ServerUnaryCall<unknown, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => Promise<void>;
    return (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const started = Date.now();
      const path = call.getPath();
      const [service = REPORTING_GRPC_SERVICE, method = path] = path.replace(/^\//, '').split('/');
      const parent = propagation.extract(ROOT_CONTEXT, traceCarrier(call.metadata));
      const span = tracer.startSpan(
        `${service}/${method}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method },
        },
        parent,
      );
      const finish: grpc.sendUnaryData<unknown> = (error, reply) => {
        const code = error ? (error.code ?? grpc.status.UNKNOWN) : grpc.status.OK;
        span.setAttribute('rpc.grpc.status_code', code);
        if (code !== grpc.status.OK)
          span.setStatus({ code: SpanStatusCode.ERROR, message: grpc.status[code] });
        span.end();
        callLogger.log(`gRPC ${method} ${grpc.status[code]} in ${Date.now() - started} ms`);
        callback(error, reply);
      };
      return context.with(trace.setSpan(parent, span), () => handle(call, finish));
    };
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
export class ReportingGrpcServer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReportingGrpcServer.name);
  private transport?: BoundGrpcTransport;
  private stopping = false;
  // grpc.health.v1: SERVING while the database is connected and the server is not shutting down.
  private readonly health = new GrpcHealthService([REPORTING_GRPC_SERVICE], () =>
    this.stopping || this.database.reason !== undefined ? ServingStatus.NOT_SERVING : ServingStatus.SERVING,
  );

  constructor(
    private readonly config: ReportingConfig,
    private readonly database: DatabaseStatus,
  ) {}

  /** From SIGTERM on, health checks answer NOT_SERVING, and watchers are told so and let go. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.health.stop();
  }

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
      onLoadPackageDefinition: (definition, server) => {
        new ReflectionService(definition).addToServer(server as grpc.Server);
        this.health.addTo(server as grpc.Server);
      },
      gracefulShutdown: true,
    });
    app.connectMicroservice({ strategy: this.transport }, { inheritAppConfig: true });
    void this.transport
      .whenBound()
      .then((port) =>
        this.logger.log(
          `gRPC ReportingService listening on ${this.config.HOST}:${port} (reflection and grpc.health.v1 on)`,
        ),
      );
  }
}

/** Connects reporting's gRPC server to the application (the service's configureApp). */
export function connectReportingGrpc(app: INestApplication): void {
  app.get(ReportingGrpcServer).connect(app);
}
