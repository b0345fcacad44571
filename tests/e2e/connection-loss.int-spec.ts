import { randomUUID } from 'node:crypto';
import { AccountUpdatedData, AnyEventEnvelope, Topic } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  BuiltService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  createWorkspaceWithCli,
  startBuiltService,
  testCustomerEvent,
  testEnvelope,
  waitFor,
} from '@tsuzuku/platform-testing';

/**
 * Every connection of the service's database terminated while it works, as a Postgres
 * switchover does: the process stays up, says it is not ready, is ready again once it has
 * reconnected, and nothing it was given is lost.
 */
const brokers = () => (process.env['KAFKA_BROKERS'] ?? '').split(',');

async function readiness(url: string): Promise<number> {
  return (await fetch(`${url}/health/ready`)).status;
}

/** Terminates every other session of the database, as pg_terminate_backend on a failover. */
async function terminateConnections(db: TestDatabase): Promise<number> {
  const rows = await db.query<{ terminated: boolean }>(
    'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [db.name],
  );
  return rows.filter((r) => r.terminated).length;
}

/** Terminates the connections while traffic runs; checks the service goes unready, then ready, and stays alive. */
async function cutUnderTraffic(service: BuiltService, db: TestDatabase, traffic: () => Promise<void>) {
  let running = true;
  const loop = (async () => {
    while (running) await traffic();
  })();
  try {
    // Work in flight holds connections when they are cut.
    await waitFor(
      async () =>
        (
          await db.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = $2', [
            db.name,
            'active',
          ])
        ).length > 0
          ? true
          : undefined,
      {
        what: 'the service to be busy on the database',
        timeoutMs: 20_000,
        intervalMs: 10,
      },
    ).catch(() => undefined);
    const terminated = await terminateConnections(db);
    expect(terminated).toBeGreaterThan(0);
    await waitFor(async () => ((await readiness(service.url)) === 503 ? true : undefined), {
      what: 'readiness to fail after the connections were cut',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await waitFor(async () => ((await readiness(service.url)) === 200 ? true : undefined), {
      what: 'readiness to pass again',
      timeoutMs: 60_000,
      intervalMs: 100,
    }).catch(async (error: unknown) => {
      const body = await (await fetch(`${service.url}/health/ready`)).text();
      throw new Error(`${(error as Error).message}: ${body}\n${service.output().slice(-4000)}`);
    });
    // Some work after the reconnect as well.
    for (let i = 0; i < 5; i++) await traffic();
  } finally {
    running = false;
    await loop;
  }
  expect(service.process.exitCode).toBeNull();
  expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
  expect(service.output()).toContain('lost a connection to Postgres');
  expect(service.output()).not.toContain("Unhandled 'error' event");
}

function accountUpdated(workspaceId: string, accountId: string): AnyEventEnvelope {
  const now = new Date().toISOString();
  const data: AccountUpdatedData = {
    name: accountId,
    plan: 'pro',
    mrr: 100,
    seats: 50,
    renewalDate: null,
    csmEmail: null,
    segment: 'smb',
    industry: null,
    phase: 'adoption',
    touchModel: 'low',
    firstSeenAt: now,
    lastSeenAt: now,
    health: { score: 80, band: 'green', computedScore: 80, coverage: 1, scorecardId: null, override: null },
    signals: {
      asOf: now,
      metrics: {},
      lastSignInAt: now,
      activeUsers7d: 3,
      activeUsersPrev7d: 3,
      activeUsers30d: 3,
      events7d: 10,
      eventsPrev7d: 10,
      ticketDays: [],
      latestNps: null,
      onboardingCompletedAt: null,
    },
  };
  return testEnvelope('account.updated', workspaceId, accountId, data, now) as AnyEventEnvelope;
}

describe('a pg connection terminated under each service while it works', () => {
  let publisher: EventPublisher;

  beforeAll(() => {
    publisher = new EventPublisher(
      new KafkaConnection(
        loadConfig(ServiceConfig, { KAFKA_BROKERS: brokers().join(',') }),
        'connection-loss-test',
      ),
    );
  });

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
  });

  const consumers: [string, string, (ws: string, i: number) => AnyEventEnvelope][] = [
    [
      'health-scoring',
      'health_scoring',
      (ws, i) => testCustomerEvent(ws, `acc-${i % 7}`, new Date().toISOString()),
    ],
    ['alerting', 'alerting', (ws, i) => accountUpdated(ws, `acc-${i % 7}`)],
    ['playbooks', 'playbooks', (ws, i) => testCustomerEvent(ws, `acc-${i % 7}`, new Date().toISOString())],
    ['reporting', 'reporting', (ws, i) => testCustomerEvent(ws, `acc-${i % 7}`, new Date().toISOString())],
  ];

  it.each(consumers)(
    '%s stays up, is unready then ready, and handles every event exactly once',
    async (name, schema, event) => {
      const db = await createTestDatabase(`conn_loss_${schema}`);
      const service = await startBuiltService(name, { DATABASE_URL: db.url });
      try {
        const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
        const ids: string[] = [];
        let n = 0;
        await cutUnderTraffic(service, db, async () => {
          const batch = Array.from({ length: 5 }, () => event(workspaceId, n++));
          await publisher.publish(batch);
          ids.push(...batch.map((e) => e.id));
          await new Promise((resolve) => setTimeout(resolve, 20));
        });
        const handled = await waitFor(
          async () => {
            const rows = await db.query<{ event_id: string }>(
              `SELECT event_id FROM "${schema}".inbox WHERE event_id = ANY($1::text[])`,
              [ids],
            );
            return rows.length === ids.length ? rows : undefined;
          },
          { what: `${name} to handle all ${ids.length} events`, timeoutMs: 90_000, intervalMs: 250 },
        );
        expect(new Set(handled.map((r) => r.event_id))).toEqual(new Set(ids));
      } finally {
        expect(await service.stop()).toBe(0);
        await db.drop();
      }
    },
  );

  it('ingestion stays up, is unready then ready, and every request in flight is either on the topic or answered 503 with Retry-After and lands once when retried', async () => {
    const db = await createTestDatabase('conn_loss_ingestion');
    const env = { DATABASE_URL: db.url };
    const ingestion = await startBuiltService('ingestion', env);
    const reader = new TopicReader(brokers());
    try {
      const ws = await createWorkspaceWithCli('connection-loss', env, []);
      const before = await reader.endOffsets([Topic.Events]);
      await reader.start([Topic.Events], before);
      const send = (batch: { messageId: string }[]) =>
        fetch(`${ingestion.url}/v1/batch`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`,
          },
          body: JSON.stringify({
            batch: batch.map((b) => ({ type: 'track', userId: 'u1', event: 'Signed In', ...b })),
          }),
        });
      const accepted = new Set<string>();
      const refused: { messageId: string }[][] = [];
      await cutUnderTraffic(ingestion, db, async () => {
        const batch = Array.from({ length: 5 }, () => ({ messageId: randomUUID() }));
        const answers = await Promise.all([send(batch.slice(0, 3)), send(batch.slice(3))]);
        answers.forEach((answer, i) => {
          const part = i === 0 ? batch.slice(0, 3) : batch.slice(3);
          if (answer.status === 200) part.forEach((b) => accepted.add(b.messageId));
          else {
            expect(answer.status).toBe(503);
            expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
            refused.push(part);
          }
        });
      });
      // The client retries what was refused, with the same messageIds, until accepted.
      for (const part of refused) {
        await waitFor(async () => ((await send(part)).status === 200 ? true : undefined), {
          what: 'a retry to be accepted',
          timeoutMs: 30_000,
          intervalMs: 500,
        });
        part.forEach((b) => accepted.add(b.messageId));
      }
      const mine = () =>
        reader.messages
          .map((m) => (JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId)
          .filter((id) => accepted.has(id));
      await waitFor(() => (new Set(mine()).size === accepted.size ? true : undefined), {
        what: `all ${accepted.size} accepted events on the topic`,
        timeoutMs: 30_000,
      });
      const counts = new Map<string, number>();
      for (const id of mine()) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts.values()].filter((c) => c !== 1)).toEqual([]);
    } finally {
      await reader.stop();
      expect(await ingestion.stop()).toBe(0);
      await db.drop();
    }
  });
});
