import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
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
import { ApiException, unsafeInputProblem } from '@tsuzuku/platform-runtime';
import { ReportingConfig, grpcPortOf } from '../config/reporting.config';
import { parseMonth } from '../kpis/domain/month';
import { KpiQuery, MovementsQuery } from '../reports/dto/report-queries';
import { KpiService } from '../reports/kpi.service';
import { sliceOf } from '../reports/reports.controller';
import { reportingProtoPath } from './proto-path';

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
export class ReportingGrpcServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportingGrpcServer.name);
  private readonly server = new grpc.Server();
  private boundPort?: number;

  constructor(
    private readonly config: ReportingConfig,
    private readonly kpis: KpiService,
    private readonly credentials: CredentialStore,
    private readonly failures: AuthFailureLimiter,
    private readonly rates: ApiTokenRateLimiter,
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
      getKpis: this.unary((request: Record<string, unknown>, workspaceId) =>
        this.getKpis(request, workspaceId),
      ),
      getMrrMovements: this.unary((request: Record<string, unknown>, workspaceId) =>
        this.getMrrMovements(request, workspaceId),
      ),
    });
    new ReflectionService(definition).addToServer(this.server);
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        `${this.config.HOST}:${grpcPortOf(this.config)}`,
        grpc.ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.logger.log(
      `gRPC ReportingService listening on ${this.config.HOST}:${this.boundPort} (reflection on)`,
    );
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

  private unary(
    handler: (request: Record<string, unknown>, workspaceId: string) => Promise<object>,
  ): grpc.handleUnaryCall<Record<string, unknown>, object> {
    return (call, callback) => {
      const run = async () => {
        const workspaceId = this.authenticate(call.metadata, peerAddress(call));
        // The same boundary as HTTP: no NUL, unpaired surrogate or non-finite number anywhere.
        const problem = unsafeInputProblem(call.request);
        if (problem)
          throw new GrpcProblem(grpc.status.INVALID_ARGUMENT, `${problem.path}: ${problem.message}`);
        return handler(call.request, workspaceId);
      };
      run().then(
        (reply) => callback(null, reply),
        (error: unknown) => {
          if (error instanceof GrpcProblem) return callback({ code: error.code, details: error.message });
          // A refusal while reading the request (e.g. a cursor this API did not issue).
          if (error instanceof ApiException && error.getStatus() === 400)
            return callback({ code: grpc.status.INVALID_ARGUMENT, details: detailsOf(error) });
          this.logger.error(`gRPC call failed: ${(error as Error).stack ?? String(error)}`);
          callback({ code: grpc.status.INTERNAL, details: 'internal error' });
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
      plan: request['plan'],
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
      plan: request['plan'],
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
