import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { contractsProtoPath } from '@tsuzuku/platform-grpc';
import {
  BuiltPipeline,
  PIPELINE_CONSUMER_GROUPS,
  TopicReader,
  allPages,
  apiCall,
  freePort,
  postSegment,
  startBuiltPipeline,
  waitFor,
  waitForCatchUp,
  waitForTaskOwner,
} from '@tsuzuku/platform-testing';

const DAY_MS = 86_400_000;
/** The consumer groups of the services this test runs (reporting is not one of them). */
const GROUPS = PIPELINE_CONSUMER_GROUPS.filter((g) => !g.groupId.startsWith('reporting.'));
const FORMER = 'former.csm@example.com';

interface Alert {
  readonly id: string;
  readonly accountId: string;
  readonly status: string;
  readonly owner: string | null;
}
interface Task {
  readonly id: string;
  readonly accountId: string;
  readonly status: string;
  readonly owner: string | null;
}

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, reply?: Record<string, unknown>) => void,
) => void;

/**
 * Assigning accounts, through the public APIs: four dormant accounts of one CSM, each with open
 * alerts and tasks and one alert and one task closed by hand, change hands through
 * PATCH /v1/accounts/{id}, POST /v1/accounts/reassign, gRPC AssignAccountOwner and a group call
 * with a new csm_email.
 * Every open alert and task of each follows its account; the closed ones keep the former owner.
 */
describe('ownership: open alerts and tasks follow their account to its new owner', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  let pipeline: BuiltPipeline<'ingestion' | 'health-scoring' | 'alerting' | 'playbooks'>;
  let services: (typeof pipeline)['services'];
  let writeKey = '';
  let token = '';
  const suffix = randomUUID().slice(0, 6);
  const byPatch = `patch-${suffix}`;
  const byBulk = `bulk-${suffix}`;
  const byGroup = `group-${suffix}`;
  const byGrpc = `grpc-${suffix}`;
  let accountsRpc: grpc.Client;
  const newOwners: Record<string, string> = {
    [byPatch]: 'patch.csm@example.com',
    [byBulk]: 'bulk.csm@example.com',
    [byGroup]: 'group.csm@example.com',
    [byGrpc]: 'grpc.csm@example.com',
  };
  const rpc = (method: string, request: object, withToken = true) => {
    const metadata = new grpc.Metadata();
    if (withToken) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<{ code: grpc.status; details?: string; reply?: Record<string, unknown> }>((resolve) =>
      (accountsRpc as unknown as Record<string, Unary>)[method]!.call(
        accountsRpc,
        request,
        metadata,
        (error, reply) =>
          resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, reply }),
      ),
    );
  };

  const send = async (path: '/v1/import' | '/v1/batch', batch: Record<string, unknown>[]) =>
    expect(await postSegment(services.ingestion.url, writeKey, path, { batch })).toContain('"success":true');
  const call = async (url: string, method: string, body: unknown) => {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const group = (groupId: string, csmEmail: string, timestamp: string) => ({
    type: 'group',
    messageId: randomUUID(),
    userId: `${groupId}-u`,
    groupId,
    timestamp,
    traits: { name: groupId, plan: 'pro', seats: 5, csm_email: csmEmail },
  });

  beforeAll(async () => {
    const grpcPort = await freePort();
    pipeline = await startBuiltPipeline({
      label: 'e2e_owner',
      services: ['ingestion', 'health-scoring', 'alerting', 'playbooks'],
      env: { BACKFILL_SETTLE_MS: '3000' },
      envOf: { 'health-scoring': { GRPC_PORT: String(grpcPort) } },
      workspace: 'owner-e2e',
    });
    ({ services, writeKey, token } = pipeline);
    const definition = protoLoader.loadSync(contractsProtoPath('accounts.v1.proto'), {
      keepCase: false,
      longs: String,
    });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      tsuzuku: { accounts: { v1: { AccountsService: grpc.ServiceClientConstructor } } };
    };
    accountsRpc = new pkg.tsuzuku.accounts.v1.AccountsService(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    );
  }, 300_000);

  afterAll(async () => {
    accountsRpc?.close();
    await pipeline?.stop();
  });

  it('moves every open alert and task of a reassigned account, and leaves the closed ones', async () => {
    // A second inactivity rule, so each dormant account has two alerts (one is closed by hand),
    // and a playbook that gives each inactivity alert a call task.
    expect(
      (
        await call(`${services.alerting.url}/v1/alert-rules`, 'POST', {
          name: 'Dormant for a month',
          type: 'inactivity',
          severity: 'high',
          params: { days: 30 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(`${services.playbooks.url}/v1/playbooks`, 'POST', {
          name: 'Re-engage',
          trigger: { type: 'alert_raised', ruleType: 'inactivity' },
          steps: [{ id: 'call', type: 'task', title: 'Call {{account.name}}', dueInDays: 2 }],
        })
      ).status,
    ).toBe(201);

    const accounts = [byPatch, byBulk, byGroup, byGrpc];
    const past = new Date(Date.now() - 40 * DAY_MS).toISOString();
    await send(
      '/v1/import',
      accounts.flatMap((groupId) => [
        group(groupId, FORMER, past),
        {
          type: 'track',
          messageId: randomUUID(),
          userId: `${groupId}-u`,
          event: 'Signed In',
          timestamp: past,
          context: { groupId },
        },
      ]),
    );
    await send(
      '/v1/batch',
      accounts.map((groupId) => ({
        type: 'track',
        messageId: randomUUID(),
        userId: `${groupId}-u`,
        event: 'Subscription Started',
        timestamp: new Date().toISOString(),
        properties: { subscription_id: `${groupId}-s1`, mrr: 800, currency: 'USD', plan: 'pro' },
        context: { groupId },
      })),
    );

    const alerts = async (accountId: string) =>
      (await allPages<Alert>(`${services.alerting.url}/v1/alerts`, token)).filter(
        (a) => a.accountId === accountId,
      );
    const tasks = async (accountId: string) =>
      (await allPages<Task>(`${services.playbooks.url}/v1/tasks`, token)).filter(
        (t) => t.accountId === accountId,
      );
    const open = <T extends { status: string }>(items: readonly T[], closed: string) =>
      items.filter((i) => i.status !== closed);

    // Each account: at least two open alerts and two open tasks, all its former owner's.
    for (const accountId of accounts)
      await waitFor(
        async () => {
          const [a, t] = [open(await alerts(accountId), 'resolved'), open(await tasks(accountId), 'done')];
          return a.length >= 2 && t.length >= 2 ? true : undefined;
        },
        { what: `the open alerts and tasks of ${accountId}`, timeoutMs: 240_000 },
      );
    await waitForCatchUp(brokers, GROUPS);

    // One alert and one task of each closed by hand: those stay with the former owner.
    const closed = new Map<string, { alertId: string; taskId: string }>();
    for (const accountId of accounts) {
      const [alert] = await alerts(accountId);
      const [task] = await tasks(accountId);
      expect([alert!.owner, task!.owner]).toEqual([FORMER, FORMER]);
      const resolved = await call(`${services.alerting.url}/v1/alerts/${alert!.id}/resolve`, 'POST', {
        note: 'talked to them',
      });
      expect(resolved.status).toBe(200);
      const done = await call(`${services.playbooks.url}/v1/tasks/${task!.id}`, 'PATCH', { status: 'done' });
      expect(done.status).toBe(200);
      closed.set(accountId, { alertId: alert!.id, taskId: task!.id });
    }
    await waitForCatchUp(brokers, GROUPS);

    // What playbooks announces from here on: each task that moves is a task.updated.
    const announced = await new TopicReader(brokers).start(['cs.playbooks.v1']);
    const openTasksBefore = new Map<string, string[]>();
    for (const accountId of accounts)
      openTasksBefore.set(
        accountId,
        open(await tasks(accountId), 'done').map((t) => t.id),
      );

    // The three ways an account changes hands.
    const patched = await call(`${services['health-scoring'].url}/v1/accounts/${byPatch}`, 'PATCH', {
      owner: newOwners[byPatch],
    });
    expect([patched.status, patched.body['owner']]).toEqual([200, newOwners[byPatch]]);
    const bulk = await call(`${services['health-scoring'].url}/v1/accounts/reassign`, 'POST', {
      accountIds: [byBulk, `absent-${suffix}`],
      owner: newOwners[byBulk],
    });
    expect([bulk.status, bulk.body]).toEqual([200, { moved: 1, accountIds: [byBulk] }]);
    await send('/v1/batch', [group(byGroup, newOwners[byGroup]!, new Date().toISOString())]);
    // gRPC: the guard, the validation and the answer as over REST.
    expect(
      (await rpc('AssignAccountOwner', { accountId: byGrpc, owner: newOwners[byGrpc] }, false)).code,
    ).toBe(grpc.status.UNAUTHENTICATED);
    const refused = await rpc('AssignAccountOwner', { accountId: byGrpc, owner: 'not an email' });
    expect([refused.code, refused.details]).toEqual([
      grpc.status.INVALID_ARGUMENT,
      expect.stringContaining('owner'),
    ]);
    expect(
      (await rpc('AssignAccountOwner', { accountId: `absent-${suffix}`, owner: newOwners[byGrpc] })).code,
    ).toBe(grpc.status.NOT_FOUND);
    const assigned = await rpc('AssignAccountOwner', { accountId: byGrpc, owner: newOwners[byGrpc] });
    expect(assigned).toEqual({
      code: grpc.status.OK,
      reply: expect.objectContaining({ accountId: byGrpc, owner: newOwners[byGrpc] }),
    });
    // A group call older than the assignment arrives late: the assignment, later, stands.
    await send('/v1/batch', [
      group(byPatch, 'stale.csm@example.com', new Date(Date.now() - 3_600_000).toISOString()),
    ]);

    const owners = async (accountId: string) => ({
      open: [
        ...open(await alerts(accountId), 'resolved').map((a) => a.owner),
        ...open(await tasks(accountId), 'done').map((t) => t.owner),
      ],
    });
    for (const accountId of accounts)
      await waitFor(
        async () => {
          const o = await owners(accountId);
          return o.open.every((owner) => owner === newOwners[accountId]) ? true : undefined;
        },
        { what: `the open work of ${accountId} to follow it`, timeoutMs: 120_000 },
      );
    await waitForCatchUp(brokers, GROUPS);
    // Every open task that moved was announced on cs.playbooks.v1 with its new owner.
    try {
      for (const accountId of accounts)
        for (const taskId of openTasksBefore.get(accountId)!)
          await waitForTaskOwner(announced, taskId, newOwners[accountId]!);
    } finally {
      await announced.stop();
    }

    for (const accountId of accounts) {
      const { alertId, taskId } = closed.get(accountId)!;
      const [a, t] = [await alerts(accountId), await tasks(accountId)];
      expect(a.filter((x) => x.status !== 'resolved').length).toBeGreaterThanOrEqual(1);
      expect(t.filter((x) => x.status !== 'done').length).toBeGreaterThanOrEqual(1);
      expect(a.filter((x) => x.status !== 'resolved').every((x) => x.owner === newOwners[accountId])).toBe(
        true,
      );
      expect(t.filter((x) => x.status !== 'done').every((x) => x.owner === newOwners[accountId])).toBe(true);
      expect(a.find((x) => x.id === alertId)).toMatchObject({ status: 'resolved', owner: FORMER });
      expect(t.find((x) => x.id === taskId)).toMatchObject({ status: 'done', owner: FORMER });
      const account = await apiCall<{ owner: string | null }>(
        `${services['health-scoring'].url}/v1/accounts/${accountId}`,
        token,
      );
      expect(account.owner).toBe(newOwners[accountId]);
    }
    const listed = await apiCall<{ items: { accountId: string }[] }>(
      `${services['health-scoring'].url}/v1/accounts?owner=${encodeURIComponent(newOwners[byBulk]!)}`,
      token,
    );
    expect(listed.items.map((a) => a.accountId)).toEqual([byBulk]);

    // ReassignAccounts: every account of an owner, answered with what moved.
    const moved = await rpc('ReassignAccounts', {
      fromOwner: newOwners[byGrpc],
      owner: 'next.csm@example.com',
    });
    expect(moved).toEqual({ code: grpc.status.OK, reply: { moved: '1', accountIds: [byGrpc] } });
    const after = await apiCall<{ owner: string | null }>(
      `${services['health-scoring'].url}/v1/accounts/${byGrpc}`,
      token,
    );
    expect(after.owner).toBe('next.csm@example.com');
  }, 900_000);
});
