import * as net from 'node:net';
import {
  BuiltService,
  PrivateKafka,
  TestDatabase,
  createTestDatabase,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

/**
 * A service started before Kafka or Postgres can be reached does not exit: it answers its
 * probes (live, not ready), logs what it waits for every few seconds, and becomes ready once
 * the dependency is there.
 */
const ready = async (url: string) => (await fetch(`${url}/health/ready`)).status;
const live = async (url: string) => (await fetch(`${url}/health/live`)).status;

/** Waits for the service to have logged `line` at least `times` times, still running. */
async function waitsLogging(service: BuiltService, line: string, times: number): Promise<void> {
  await waitFor(() => (service.output().split(line).length - 1 >= times ? true : undefined), {
    what: `"${line}" logged ${times} times`,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  expect(service.process.exitCode).toBeNull();
  expect(await live(service.url)).toBe(200);
  expect(await ready(service.url)).toBe(503);
}

async function becomesReady(service: BuiltService): Promise<void> {
  await waitFor(async () => ((await ready(service.url)) === 200 ? true : undefined), {
    what: 'the service to be ready',
    timeoutMs: 120_000,
    intervalMs: 250,
  }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${service.output().slice(-4000)}`);
  });
  expect(service.process.exitCode).toBeNull();
}

describe('start-up waits for its dependencies instead of exiting', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('startup_wait');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('reporting started while Kafka is unreachable waits, logging it, and is ready once Kafka is up', async () => {
    // A broker of this test's own, on a port nothing listens on until it starts (above the ports
    // of the short chaos scenario, + 100 to + 103, so the two never share one).
    const kafka = new PrivateKafka('startup-wait', Number(process.env['TSUZUKU_KAFKA_PORT'] ?? 9092) + 105);
    await kafka.stop();
    const service = await startBuiltService(
      'reporting',
      { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), GRPC_PORT: '0' },
      60_000,
      { ready: false },
    );
    const whoami = () =>
      fetch(`${service.url}/v1/auth/whoami`, {
        headers: { authorization: 'Bearer tzk_at_not-a-known-token' },
      });
    try {
      await waitsLogging(service, `waiting for Kafka at ${kafka.brokers[0]}`, 3);
      // A token it cannot know yet is not called invalid: retry later.
      const starting = await whoami();
      expect(starting.status).toBe(503);
      expect(Number(starting.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await starting.json()) as { error: string }).error).toBe('starting');
      await kafka.start();
      await becomesReady(service);
      expect((await whoami()).status).toBe(401);
    } finally {
      expect(await service.stop()).toBe(0);
      await kafka.stop();
    }
  });

  it('health-scoring started while Postgres is unreachable waits, logging it, is ready once it answers, and again after Postgres goes away and comes back', async () => {
    // A port with nothing behind it, until a proxy to the real Postgres opens there.
    const upstream = new URL(db.url);
    const port = Number(process.env['TSUZUKU_KAFKA_PORT'] ?? 9092) + 107;
    const behindProxy = new URL(db.url);
    behindProxy.port = String(port);
    const waiting = `waiting for Postgres at 127.0.0.1:${port}/${db.name}`;
    const service = await startBuiltService(
      'health-scoring',
      { DATABASE_URL: behindProxy.toString() },
      60_000,
      {
        ready: false,
      },
    );
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
      for (const socket of [client, server]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(server).pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    });
    const open = () => new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    // Postgres gone: the port refuses, and every open connection drops.
    const close = () => {
      const closed = new Promise((resolve) => proxy.close(resolve));
      for (const socket of sockets) socket.destroy();
      return closed;
    };
    let code: number | null = null;
    try {
      await waitsLogging(service, waiting, 3);
      await open();
      await becomesReady(service);
      const migrated = await db.query(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = 'health_scoring'",
      );
      expect(migrated).toHaveLength(1);

      const before = service.output().split(waiting).length - 1;
      await close();
      await waitsLogging(service, waiting, before + 2);
      await open();
      await becomesReady(service);
    } finally {
      code = await service.stop();
      if (proxy.listening) await close();
    }
    expect(code).toBe(0);
  });
});
