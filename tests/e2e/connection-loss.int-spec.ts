import { randomUUID } from 'node:crypto';
import { AnyEventEnvelope, Topic } from '@tsuzuku/contracts';
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
  testAccountUpdated,
  waitFor,
} from '@tsuzuku/platform-testing';

/**
 * Every connection of the service's database terminated while it works, as a Postgres
 * switchover does: the process stays up, says it is not ready, is ready again once it has
 * reconnected, and nothing it was given is lost.
 */
const brokers = () => (process.env['KAFKA_BROKERS'] ?? '').split(',');

/** The readiness status; a service that exited fails the test with what it printed last. */
async function readiness(service: BuiltService): Promise<number> {
  if (service.process.exitCode !== null)
    throw new Error(
      `the service exited with code ${service.process.exitCode}:\n${service.output().slice(-3000)}`,
    );
  return (await fetch(`${service.url}/health/ready`)).status;
}

/**
 * Terminates every other session of the database, as a failover does, at a moment when one of
 * the service's connections is in the middle of work (a query running or a transaction open):
 * the connection a pool has lent out, which used to take the process down. Answers whether it
 * found such a moment within `withinMs` (it terminates them all anyway at the end).
 */
async function terminateConnections(
  db: TestDatabase,
  applicationName: string,
  withinMs = 15_000,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const last = Date.now() >= deadline;
    // One statement: the snapshot that finds a busy connection is the one whose sessions are cut.
    const rows = await db.query<{ application_name: string; state: string | null; terminated: boolean }>(
      `WITH sessions AS (SELECT pid, application_name, state FROM pg_stat_activity
                         WHERE datname = $1 AND pid <> pg_backend_pid())
       SELECT application_name, state, pg_terminate_backend(pid) AS terminated FROM sessions
       WHERE $3 OR EXISTS (SELECT 1 FROM sessions WHERE application_name = $2 AND state <> 'idle')`,
      [db.name, applicationName, last],
    );
    if (rows.length > 0) {
      expect(rows.filter((r) => r.terminated).length).toBeGreaterThan(0);
      return rows.some((r) => r.terminated && r.application_name === applicationName && r.state !== 'idle');
    }
  }
}

async function readyAgain(service: BuiltService): Promise<void> {
  await readiness(service);
  await waitFor(async () => ((await readiness(service)) === 200 ? true : undefined), {
    what: 'readiness to pass again',
    timeoutMs: 60_000,
    intervalMs: 100,
  }).catch(async (error: unknown) => {
    const body = await (await fetch(`${service.url}/health/ready`)).text();
    throw new Error(`${(error as Error).message}: ${body}\n${service.output().slice(-4000)}`);
  });
}

/**
 * Terminates the connections while traffic runs, again until one was cut in the middle of
 * work; checks that the service goes unready, is ready again, and stays alive.
 */
async function cutUnderTraffic(
  name: string,
  service: BuiltService,
  db: TestDatabase,
  traffic: () => Promise<void>,
) {
  let running = true;
  const loop = (async () => {
    while (running) await traffic();
  })();
  try {
    let cutMidWork = await terminateConnections(db, `tsuzuku-${name}`);
    await waitFor(async () => ((await readiness(service)) === 503 ? true : undefined), {
      what: 'readiness to fail after the connections were cut',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await readyAgain(service);
    for (let round = 0; round < 5 && !cutMidWork; round++) {
      cutMidWork = await terminateConnections(db, `tsuzuku-${name}`);
      await readyAgain(service);
    }
    expect(cutMidWork).toBe(true);
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
  return testAccountUpdated(workspaceId, accountId, { seats: 50, firstSeenAt: now }) as AnyEventEnvelope;
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
    // Events each consumer claims in its inbox (a plain sign-in changes nothing when applied twice
    // and takes no claim): a subscription start for playbooks, a survey answer for reporting.
    [
      'playbooks',
      'playbooks',
      (ws, i) =>
        testCustomerEvent(ws, `acc-${i % 7}`, new Date().toISOString(), {
          event: 'Subscription Started',
          properties: { subscription_id: `sub-${i}`, mrr: 10 },
        }),
    ],
    [
      'reporting',
      'reporting',
      (ws, i) =>
        testCustomerEvent(ws, `acc-${i % 7}`, new Date().toISOString(), {
          event: 'Survey Responded',
          properties: { survey: 'csat', score: 1 + (i % 5) },
        }),
    ],
  ];

  it.each(consumers)(
    '%s stays up, is unready then ready, and handles every event exactly once',
    async (name, schema, event) => {
      const db = await createTestDatabase(`conn_loss_${schema}`);
      const service = await startBuiltService(name, { DATABASE_URL: db.url });
      let code: number | null = null;
      try {
        const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
        const ids: string[] = [];
        let n = 0;
        await cutUnderTraffic(name, service, db, async () => {
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
        code = await service.stop();
        await db.drop();
      }
      expect(code).toBe(0);
    },
    240_000,
  );

  it('ingestion stays up, is unready then ready, and every request in flight is either on the topic or answered 503 (or 429) with Retry-After and lands once when retried', async () => {
    const db = await createTestDatabase('conn_loss_ingestion');
    const env = { DATABASE_URL: db.url };
    const ingestion = await startBuiltService('ingestion', env);
    const reader = new TopicReader(brokers());
    let code: number | null = null;
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
      await cutUnderTraffic('ingestion', ingestion, db, async () => {
        // Four requests at once, so some claim transactions are open when the connections go.
        const parts = Array.from({ length: 4 }, () =>
          Array.from({ length: 2 }, () => ({ messageId: randomUUID() })),
        );
        const answers = await Promise.all(parts.map(send));
        answers.forEach((answer, i) => {
          const part = parts[i]!;
          if (answer.status === 200) part.forEach((b) => accepted.add(b.messageId));
          else {
            // 503 for the outage; 429 when the tight loop of retries outruns the write key's rate
            // limit or the admission: both say when to come back, and the retry below lands.
            expect([429, 503]).toContain(answer.status);
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
      code = await ingestion.stop();
      await db.drop();
    }
    expect(code).toBe(0);
  }, 240_000);
});
