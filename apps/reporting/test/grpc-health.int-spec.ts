import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
} from '@tsuzuku/platform-testing';
import { ReportingConfig } from '../src/config/reporting.config';
import { HEALTH_PROTO, contractsProtoPath, reportingProtoPath } from '../src/grpc/proto-path';
import { REPORTING_GRPC_SERVICE, ReportingGrpcServer } from '../src/grpc/reporting.grpc.server';
import { reportingService } from '../src/service';

type HealthClient = grpc.Client & {
  check(
    request: { service: string },
    callback: (e: grpc.ServiceError | null, r?: { status: string }) => void,
  ): void;
  watch(request: { service: string }): grpc.ClientReadableStream<{ status: string }>;
};

/** grpc.health.v1 on reporting's gRPC server, and a server span per call. */
describe('reporting gRPC: health and spans', () => {
  let db: TestDatabase;
  let service: RunningTestService<ReportingConfig>;
  let health: HealthClient;
  let reports: grpc.Client;
  // This test file's own tracer, recording in memory what the server's calls open.
  const spans = new InMemorySpanExporter();

  const check = (name: string) =>
    new Promise<{ code: grpc.status; status?: string }>((resolve) =>
      health.check({ service: name }, (error, reply) =>
        resolve(error ? { code: error.code } : { code: grpc.status.OK, status: reply!.status }),
      ),
    );

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
    db = await createTestDatabase('reporting_grpc_health');
    service = await startTestService(reportingService, { DATABASE_URL: db.url, GRPC_PORT: '0' });
    const address = `127.0.0.1:${service.app.get(ReportingGrpcServer).port}`;
    const loaded = grpc.loadPackageDefinition(
      protoLoader.loadSync(contractsProtoPath(HEALTH_PROTO), {
        keepCase: true,
        enums: String,
        defaults: true,
      }),
    ) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    health = new loaded.grpc.health.v1.Health(
      address,
      grpc.credentials.createInsecure(),
    ) as unknown as HealthClient;
    const reporting = grpc.loadPackageDefinition(protoLoader.loadSync(reportingProtoPath())) as unknown as {
      tsuzuku: { reporting: { v1: { ReportingService: grpc.ServiceClientConstructor } } };
    };
    reports = new reporting.tsuzuku.reporting.v1.ReportingService(address, grpc.credentials.createInsecure());
  }, 90_000);

  afterAll(async () => {
    health?.close();
    reports?.close();
    await service?.close();
    await db?.drop();
  });

  it('answers Check with SERVING for the server and for ReportingService, NOT_FOUND for another service', async () => {
    expect(await check('')).toEqual({ code: grpc.status.OK, status: 'SERVING' });
    expect(await check(REPORTING_GRPC_SERVICE)).toEqual({ code: grpc.status.OK, status: 'SERVING' });
    expect((await check('tsuzuku.other.v1.Nothing')).code).toBe(grpc.status.NOT_FOUND);
  });

  it('opens a server span per call, in the trace the caller sent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', `00-${traceId}-${parentSpanId}-01`);
    const code = await new Promise<grpc.status>((resolve) =>
      (
        reports as unknown as Record<
          string,
          (r: object, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void
        >
      )['GetKpis']!({ from: '2026-01', to: '2026-02' }, metadata, (error) =>
        resolve(error ? error.code : grpc.status.OK),
      ),
    );
    // No token: refused, and the span says so.
    expect(code).toBe(grpc.status.UNAUTHENTICATED);
    const span = spans.getFinishedSpans().find((s) => s.name === `${REPORTING_GRPC_SERVICE}/GetKpis`);
    expect(span).toBeDefined();
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span!.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.method': 'GetKpis',
      'rpc.grpc.status_code': grpc.status.UNAUTHENTICATED,
    });
  });

  it('streams SERVING on Watch, then NOT_SERVING when the service shuts down', async () => {
    const watch = health.watch({ service: '' });
    const statuses: string[] = [];
    const ended = new Promise<void>((resolve) => {
      watch.on('data', (reply: { status: string }) => statuses.push(reply.status));
      watch.on('end', () => resolve());
      watch.on('error', () => resolve());
    });
    await new Promise<void>((resolve) => watch.once('data', () => resolve()));
    await service.close();
    await ended;
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
  });
});
