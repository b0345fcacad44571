import { Logger } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { GrpcOptions, ServerGrpc } from '@nestjs/microservices';

const tracer = trace.getTracer('tsuzuku-grpc');
const callLogger = new Logger('Grpc');

/** The W3C trace context a caller sent in its metadata (traceparent, tracestate). */
function traceCarrier(metadata: grpc.Metadata): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = metadata.get(name)[0];
    if (typeof value === 'string') carrier[name] = value;
  }
  return carrier;
}

/**
 * Nest's gRPC transport, remembering the port it bound (GRPC_PORT=0 picks a free one, which
 * ServerGrpc does not tell).
 */
export class BoundGrpcTransport extends ServerGrpc {
  private readonly bound: Promise<number>;
  private resolveBound!: (port: number) => void;
  port?: number;

  /** `service`: the service's full name, for a call whose path does not say it. */
  constructor(
    options: GrpcOptions['options'],
    private readonly defaultService: string,
  ) {
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
      const [service = this.defaultService, method = path] = path.replace(/^\//, '').split('/');
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
