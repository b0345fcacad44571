import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { CredentialRecord, Topic } from '@tsuzuku/contracts';
import { CredentialStore, generateSecret, hashSecret } from '@tsuzuku/platform-auth';
import { EventPublisher } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
  waitFor,
} from '@tsuzuku/platform-testing';
import { ReportingConfig } from '../src/config/reporting.config';
import { reportingProtoPath } from '../src/grpc/proto-path';
import { ReportingGrpcServer } from '../src/grpc/reporting.grpc.server';
import { reportingService } from '../src/service';

/**
 * A reporting service (its own database) with a gRPC client, set up by the describe block that
 * calls it: each block has its own service, so that no block depends on what another did to the
 * limits.
 */
function grpcHarness(label: string, env: Record<string, string>) {
  let db: TestDatabase;
  let service: RunningTestService<ReportingConfig>;
  let client: grpc.Client;

  beforeAll(async () => {
    db = await createTestDatabase(label);
    service = await startTestService(reportingService, { DATABASE_URL: db.url, GRPC_PORT: '0', ...env });
    const loaded = grpc.loadPackageDefinition(
      protoLoader.loadSync(reportingProtoPath(), {
        keepCase: false,
        longs: Number,
        defaults: true,
        oneofs: true,
      }),
    ) as unknown as { tsuzuku: { reporting: { v1: { ReportingService: grpc.ServiceClientConstructor } } } };
    client = new loaded.tsuzuku.reporting.v1.ReportingService(
      `127.0.0.1:${service.app.get(ReportingGrpcServer).port}`,
      grpc.credentials.createInsecure(),
    );
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await service?.close();
    await db?.drop();
  });

  /** A token as ingestion announces one, once this service's credential store has it. */
  const issueToken = async (scopes: CredentialRecord['scopes'] = ['read']): Promise<string> => {
    const secret = generateSecret('api_token');
    const record: CredentialRecord = {
      id: randomUUID(),
      kind: 'api_token',
      workspaceId: randomUUID(),
      secretHash: hashSecret(secret),
      scopes,
      label: label,
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    await service.app
      .get(EventPublisher)
      .publishRaw(Topic.Credentials, [{ key: record.id, value: JSON.stringify(record) }]);
    const store = service.app.get(CredentialStore);
    await waitFor(() => store.authenticate(secret, 'api_token') !== undefined, {
      what: 'the token to arrive',
    });
    return secret;
  };

  const callKpis = (token: string | undefined, request: object) =>
    new Promise<grpc.ServiceError | null>((resolve) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      (
        client as unknown as Record<
          string,
          (r: object, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => void
        >
      )['GetKpis']!(request, metadata, (error) => resolve(error));
    });
  const getKpis = async (token?: string) =>
    (await callKpis(token, { from: '2026-01', to: '2026-02' }))?.code ?? grpc.status.OK;

  return { issueToken, callKpis, getKpis, url: () => service.url };
}

/** The Bearer limits on reporting's gRPC API, as on REST: requests per API token, failures per peer address. */
describe('reporting gRPC: limits', () => {
  const { issueToken, getKpis, url } = grpcHarness('reporting_grpc_limits', {
    API_RATE_LIMIT_PER_SECOND: '1',
    API_RATE_LIMIT_BURST: '3',
    AUTH_FAILURES_PER_MINUTE: '2',
  });

  it('answers RESOURCE_EXHAUSTED past a token’s burst, and another token goes on', async () => {
    const [first, second] = [await issueToken(), await issueToken()];
    const answers: grpc.status[] = [];
    for (let i = 0; i < 4; i++) answers.push(await getKpis(first));
    expect(answers).toEqual([grpc.status.OK, grpc.status.OK, grpc.status.OK, grpc.status.RESOURCE_EXHAUSTED]);
    expect(await getKpis(second)).toBe(grpc.status.OK);
  });

  it('refuses the peer address after its failed authentications, before looking at its token', async () => {
    const token = await issueToken();
    expect([await getKpis(), await getKpis('tzk_at_wrong')]).toEqual([
      grpc.status.UNAUTHENTICATED,
      grpc.status.UNAUTHENTICATED,
    ]);
    expect(await getKpis(token)).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // The address's budget is shared with REST: the same peer is refused there too.
    const rest = await fetch(`${url()}/v1/reports/kpis?from=2026-01&to=2026-02`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

/** Refusals over gRPC come from the REST guard and pipes, each with its gRPC status. */
describe('reporting gRPC: refusals', () => {
  const { issueToken, callKpis } = grpcHarness('reporting_grpc_refusals', {});

  it('answers PERMISSION_DENIED to a token without the scope, and INVALID_ARGUMENT naming each bad field', async () => {
    const writer = await issueToken(['write']);
    const denied = await callKpis(writer, { from: '2026-01', to: '2026-02' });
    expect(denied?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(denied?.details).toMatch(/scope read/);
    const reader = await issueToken();
    const invalid = await callKpis(reader, { from: '2026-13', to: '2026-02', touchModel: 'none' });
    expect(invalid?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid?.details).toMatch(/^from: .*; touchModel: /);
    const unsafe = await callKpis(reader, { from: '2026-01', to: '2026-02', segment: 'a\u0000b' });
    expect(unsafe?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(unsafe?.details).toMatch(/^segment: /);
    expect(await callKpis(reader, { from: '2026-01', to: '2026-02' })).toBeNull();
  });
});
