import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_PROTO, contractsProtoPath } from './proto-path';

/** grpc.health.v1 statuses, as the protocol numbers them. */
export enum ServingStatus {
  UNKNOWN = 'UNKNOWN',
  SERVING = 'SERVING',
  NOT_SERVING = 'NOT_SERVING',
  SERVICE_UNKNOWN = 'SERVICE_UNKNOWN',
}

interface HealthRequest {
  service?: string;
}
interface HealthResponse {
  status: ServingStatus;
}

/** How often an open Watch re-reads the status (it is a function of the database's state). */
const WATCH_POLL_MS = 1_000;

/**
 * grpc.health.v1 on a gRPC server: Check answers the status of the server ('') or of one of its
 * services (NOT_FOUND for another name); Watch streams it, once at once and then at each change.
 * The status is read from `status()` each time, so it follows the database and the shutdown.
 */
export class GrpcHealthService {
  private readonly watches = new Map<
    grpc.ServerWritableStream<HealthRequest, HealthResponse>,
    NodeJS.Timeout
  >();

  constructor(
    private readonly services: readonly string[],
    private readonly status: () => ServingStatus.SERVING | ServingStatus.NOT_SERVING,
  ) {}

  /** Adds the Health service to `server`. */
  addTo(server: grpc.Server): void {
    const definition = protoLoader.loadSync(contractsProtoPath(HEALTH_PROTO), {
      keepCase: true,
      enums: String,
      defaults: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    server.addService(loaded.grpc.health.v1.Health.service, {
      check: (
        call: grpc.ServerUnaryCall<HealthRequest, HealthResponse>,
        callback: grpc.sendUnaryData<HealthResponse>,
      ) => {
        const status = this.statusOf(call.request.service ?? '');
        if (status === ServingStatus.SERVICE_UNKNOWN)
          return callback({
            code: grpc.status.NOT_FOUND,
            details: `unknown service ${call.request.service}`,
          });
        callback(null, { status });
      },
      watch: (call: grpc.ServerWritableStream<HealthRequest, HealthResponse>) => this.watch(call),
    });
  }

  /** Tells every watcher the server no longer serves, and ends their streams (shutdown). */
  stop(): void {
    for (const [call, timer] of this.watches) {
      clearInterval(timer);
      call.write({ status: ServingStatus.NOT_SERVING });
      call.end();
    }
    this.watches.clear();
  }

  private statusOf(service: string): ServingStatus {
    return service === '' || this.services.includes(service) ? this.status() : ServingStatus.SERVICE_UNKNOWN;
  }

  private watch(call: grpc.ServerWritableStream<HealthRequest, HealthResponse>): void {
    const service = call.request.service ?? '';
    let last = this.statusOf(service);
    call.write({ status: last });
    const timer = setInterval(() => {
      const now = this.statusOf(service);
      if (now === last) return;
      last = now;
      call.write({ status: now });
    }, WATCH_POLL_MS);
    timer.unref();
    this.watches.set(call, timer);
    const done = () => {
      clearInterval(timer);
      this.watches.delete(call);
    };
    call.on('cancelled', done);
    call.on('close', done);
    call.on('error', done);
  }
}
