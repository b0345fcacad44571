import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  ApiTokenRateLimiter,
  AuthFailureLimiter,
  CredentialStore,
  TOO_MANY_FAILURES,
  hasScopes,
} from '@tsuzuku/platform-auth';
import { validationProblems } from '@tsuzuku/platform-config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { ApiException, unsafeInputProblem } from '@tsuzuku/platform-runtime';
import { ReportingConfig, grpcPortOf } from '../config/reporting.config';
import { parseMonth } from '../kpis/domain/month';
import { KpiQuery, MovementsQuery } from '../reports/dto/report-queries';
import { KpiService } from '../reports/kpi.service';
import { sliceOf } from '../reports/reports.controller';
import { reportingProtoPath } from './proto-path';
import { GrpcHealthService, ServingStatus } from './grpc-health.service';

export const REPORTING_GRPC_SERVICE = 'tsuzuku.reporting.v1.ReportingService';

const tracer = trace.getTracer('tsuzuku-grpc');

/** The W3C trace context a caller sent in its metadata (traceparent, tracestate). */
function traceCarrier(metadata: grpc.Metadata): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = metadata.get(name)[0];
    if (typeof value === 'string') carrier[name] = value;
  }
  return carrier;
}

/** Fields of a reply without its nulls: proto3 leaves an optional field unset. */
function withoutNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}

/** The peer's address without its port ("ipv4:10.0.0.7:51234" → "10.0.0.7"); gRPC has no X-Forwarded-For. */
function peerAddress(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  const peer = call.getPeer();
  const address = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[(.*)\](:\d+)?$/.exec(address);
  return bracketed ? bracketed[1]! : address.replace(/:\d+$/, '');
}

/** An ApiException's problems as one line of gRPC details: `path: message; ...`. */
function detailsOf(error: ApiException): string {
  return error.problems.length > 0
    ? error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')
    : error.message;
}

class GrpcProblem extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The gRPC ReportingService (libs/contracts/proto/reporting.v1.proto) with server reflection:
 * the same reports as REST, authenticated by the same API tokens (metadata authorization).
 */
@Injectable()
export class ReportingGrpcServer
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ReportingGrpcServer.name);
  private readonly server = new grpc.Server();
  private boundPort?: number;
  private stopping = false;
  // SERVING while the database is connected and the server is not shutting down.
  private readonly health = new GrpcHealthService([REPORTING_GRPC_SERVICE], () =>
    this.stopping || this.database.reason !== undefined ? ServingStatus.NOT_SERVING : ServingStatus.SERVING,
  );

  constructor(
    private readonly config: ReportingConfig,
    private readonly kpis: KpiService,
    private readonly credentials: CredentialStore,
    private readonly failures: AuthFailureLimiter,
    private readonly rates: ApiTokenRateLimiter,
    private readonly database: DatabaseStatus,
  ) {}

  /** The port it listens on, once started. */
  get port(): number | undefined {
    return this.boundPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    const definition = protoLoader.loadSync(reportingProtoPath(), {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      tsuzuku: { reporting: { v1: { ReportingService: grpc.ServiceClientConstructor } } };
    };
    this.server.addService(loaded.tsuzuku.reporting.v1.ReportingService.service, {
      getKpis: this.unary('GetKpis', (request: Record<string, unknown>, workspaceId) =>
        this.getKpis(request, workspaceId),
      ),
      getMrrMovements: this.unary('GetMrrMovements', (request: Record<string, unknown>, workspaceId) =>
        this.getMrrMovements(request, workspaceId),
      ),
    });
    this.health.addTo(this.server);
    new ReflectionService(definition).addToServer(this.server);
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        `${this.config.HOST}:${grpcPortOf(this.config)}`,
        grpc.ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.logger.log(
      `gRPC ReportingService listening on ${this.config.HOST}:${this.boundPort} (reflection and grpc.health.v1 on)`,
    );
  }

  /** Health turns NOT_SERVING first, so balancers stop sending calls before the server drains. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.health.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 5000);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  /**
   * A unary method: authenticated, checked at the input boundary, in a server span that continues
   * the caller's trace (metadata traceparent), with one log line per call.
   */
  private unary(
    method: string,
    handler: (request: Record<string, unknown>, workspaceId: string) => Promise<object>,
  ): grpc.handleUnaryCall<Record<string, unknown>, object> {
    return (call, callback) => {
      const started = Date.now();
      const parent = propagation.extract(ROOT_CONTEXT, traceCarrier(call.metadata));
      const span = tracer.startSpan(
        `${REPORTING_GRPC_SERVICE}/${method}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': REPORTING_GRPC_SERVICE, 'rpc.method': method },
        },
        parent,
      );
      const finish = (code: grpc.status, error?: grpc.ServerErrorResponse | Partial<grpc.StatusObject>) => {
        span.setAttribute('rpc.grpc.status_code', code);
        if (code !== grpc.status.OK)
          span.setStatus({ code: SpanStatusCode.ERROR, message: grpc.status[code] });
        span.end();
        this.logger.log(`gRPC ${method} ${grpc.status[code]} in ${Date.now() - started} ms`);
        return error;
      };
      const run = async () => {
        const workspaceId = this.authenticate(call.metadata, peerAddress(call));
        // The same boundary as HTTP: no NUL, unpaired surrogate or non-finite number anywhere.
        const problem = unsafeInputProblem(call.request);
        if (problem)
          throw new GrpcProblem(grpc.status.INVALID_ARGUMENT, `${problem.path}: ${problem.message}`);
        return handler(call.request, workspaceId);
      };
      context.with(trace.setSpan(parent, span), run).then(
        (reply) => {
          finish(grpc.status.OK);
          callback(null, reply);
        },
        (error: unknown) => {
          if (error instanceof GrpcProblem)
            return callback(finish(error.code, { code: error.code, details: error.message }) ?? null);
          // A refusal while reading the request (e.g. a cursor this API did not issue).
          if (error instanceof ApiException && error.getStatus() === 400)
            return callback(
              finish(grpc.status.INVALID_ARGUMENT, {
                code: grpc.status.INVALID_ARGUMENT,
                details: detailsOf(error),
              }) ?? null,
            );
          span.recordException(error as Error);
          this.logger.error(`gRPC call failed: ${(error as Error).stack ?? String(error)}`);
          callback(
            finish(grpc.status.INTERNAL, { code: grpc.status.INTERNAL, details: 'internal error' }) ?? null,
          );
        },
      );
    };
  }

  /** As ApiTokenGuard over REST: failed authentications per peer address, requests per token. */
  private authenticate(metadata: grpc.Metadata, address: string): string {
    const unauthenticated = (message: string) => {
      this.failures.failed(address);
      return new GrpcProblem(grpc.status.UNAUTHENTICATED, message);
    };
    const blocked = this.failures.refusal(address);
    if (blocked)
      throw new GrpcProblem(
        grpc.status.RESOURCE_EXHAUSTED,
        `${TOO_MANY_FAILURES} (in ${blocked.resetSeconds} s)`,
      );
    const header = metadata.get('authorization')[0];
    const match = /^Bearer\s+(\S+)$/i.exec(typeof header === 'string' ? header : '');
    if (!match) throw unauthenticated('send metadata authorization: Bearer <API token>');
    const credential = this.credentials.authenticate(match[1]!, 'api_token');
    if (!credential) throw unauthenticated('unknown or revoked API token');
    const rate = this.rates.take(credential.id);
    if (!rate.allowed)
      throw new GrpcProblem(
        grpc.status.RESOURCE_EXHAUSTED,
        `rate limit of this API token exceeded; retry in ${rate.resetSeconds} s`,
      );
    if (!hasScopes(credential.scopes, ['read']))
      throw new GrpcProblem(grpc.status.PERMISSION_DENIED, 'the API token lacks the scope read');
    return credential.workspaceId;
  }

  /** Validates a request as the REST query of the same report; every problem in the details. */
  private async check<T extends object>(type: new () => T, plain: Record<string, unknown>): Promise<T> {
    const defined = Object.fromEntries(
      Object.entries(plain).filter(([, v]) => v !== undefined && v !== null),
    );
    const query = plainToInstance(type, defined);
    const errors = await validate(query, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0)
      throw new GrpcProblem(
        grpc.status.INVALID_ARGUMENT,
        validationProblems(errors)
          .map((p) => `${p.path}: ${p.message}`)
          .join('; '),
      );
    return query;
  }

  private async getKpis(request: Record<string, unknown>, workspaceId: string): Promise<object> {
    const q = await this.check(KpiQuery, {
      from: request['from'] ?? '',
      to: request['to'] ?? '',
      segment: request['segment'],
      touchModel: request['touchModel'],
      phase: request['phase'],
      owner: request['owner'],
    });
    const report = await this.kpis.kpis(workspaceId, parseMonth(q.from)!, parseMonth(q.to)!, sliceOf(q));
    return {
      currency: report.currency,
      from: report.from,
      to: report.to,
      months: report.months.map((m) => withoutNulls(m)),
      errors: report.errors.map((e) => withoutNulls(e)),
    };
  }

  private async getMrrMovements(request: Record<string, unknown>, workspaceId: string): Promise<object> {
    const q = await this.check(MovementsQuery, {
      from: request['from'] ?? '',
      to: request['to'] ?? '',
      accountId: request['accountId'],
      detail: request['detail'] ? 'true' : undefined,
      limit: request['limit'] === undefined ? undefined : String(request['limit']),
      cursor: request['cursor'],
      segment: request['segment'],
      touchModel: request['touchModel'],
      phase: request['phase'],
      owner: request['owner'],
    });
    const report = await this.kpis.movements(workspaceId, parseMonth(q.from)!, parseMonth(q.to)!, {
      ...(q.accountId !== undefined ? { accountId: q.accountId } : {}),
      detail: q.detail ?? false,
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      filter: sliceOf(q),
    });
    return withoutNulls({ ...report, errors: report.errors.map((e) => withoutNulls(e)) });
  }
}
