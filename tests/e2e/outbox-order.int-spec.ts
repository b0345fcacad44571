import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Topic } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import {
  BackgroundJobs,
  LeaseStore,
  OutboxMessage,
  ServiceDatabase,
  enqueueOutbox,
  leaseTableSql,
  outboxTableSql,
} from '@tsuzuku/platform-database';
import { TestDatabase, TopicReader, createTestDatabase, waitFor } from '@tsuzuku/platform-testing';
import { EventPublisher, KafkaConnection, OutboxRelay, RawMessage } from '@tsuzuku/platform-kafka';

const SCHEMA = 'relay_test';
const KEYS = 24;
const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',');
const config = { KAFKA_BROKERS: brokers, OUTBOX_POLL_MS: 25 } as unknown as ServiceConfig;
const database: ServiceDatabase = { schema: SCHEMA, entities: [], migrations: [], outbox: true };

type Publisher = Pick<EventPublisher, 'publishRaw'>;

/** How many times each holder asked for a lease (to take it or to renew it). */
const leaseRequests = new Map<string, number>();

/** The lease store, counting the requests of each holder. */
class CountedLeaseStore extends LeaseStore {
  override async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    leaseRequests.set(holder, (leaseRequests.get(holder) ?? 0) + 1);
    return super.acquire(name, holder, ttlMs);
  }
}

/** One replica's relay: its own pool, its own runner and lease holder name. */
async function startRelay(db: TestDatabase, holder: string, publisher: Publisher) {
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, poolSize: 4 }).initialize();
  const jobs = new BackgroundJobs(new CountedLeaseStore(dataSource, SCHEMA), { holder, leaseTtlMs: 1_500 });
  const relay = new OutboxRelay(
    dataSource,
    publisher as EventPublisher,
    { ...config, DATABASE_URL: db.url } as ServiceConfig,
    database,
    undefined,
    jobs,
  );
  relay.onApplicationBootstrap();
  return {
    async stop() {
      await jobs.stop();
      await relay.beforeApplicationShutdown();
      await dataSource.destroy();
    },
  };
}

/** `perKey` messages for each of KEYS keys, interleaved, numbered per key in write order. */
async function enqueue(db: TestDatabase, topic: string, perKey: number): Promise<number> {
  const dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
  try {
    for (let from = 0; from < perKey; from += 50) {
      const messages: OutboxMessage[] = [];
      for (let seq = from; seq < Math.min(perKey, from + 50); seq++)
        for (let k = 0; k < KEYS; k++)
          messages.push({ topic, key: `ws:acct-${k}`, value: JSON.stringify({ seq }) });
      await dataSource.transaction((m) => enqueueOutbox(m, SCHEMA, messages));
    }
  } finally {
    await dataSource.destroy();
  }
  return perKey * KEYS;
}

async function outboxCount(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox`);
  return row!.n;
}

/**
 * The outbox relay of a service with two replicas on one outbox table: per-key order on the
 * topic when a batch fails, and the relay's throughput (printed, `[bench]`).
 */
describe('outbox relay', () => {
  let db: TestDatabase;
  let connection: KafkaConnection;
  let publisher: EventPublisher;
  const kafka = new Kafka({ clientId: 'outbox-relay-test', brokers, logLevel: logLevel.NOTHING });

  async function newTopic(): Promise<string> {
    const topic = `test.outbox-relay.${randomUUID().slice(0, 8)}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    return topic;
  }

  beforeAll(async () => {
    db = await createTestDatabase('outbox_relay');
    await db.query(`CREATE SCHEMA ${SCHEMA}`);
    await db.query(outboxTableSql(SCHEMA).up);
    await db.query(leaseTableSql(SCHEMA).up);
    connection = new KafkaConnection(config, 'outbox-relay-test');
    publisher = new EventPublisher(connection);
  });

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await db?.drop();
  });

  it('keeps per-key order with two relays and a failing batch: nothing later overtakes it', async () => {
    const topic = await newTopic();
    const writingFrom = Date.now();
    const total = await enqueue(db, topic, 100); // 2400 rows: five batches of 500
    const writtenBy = Date.now();
    // A producer that is connected already: the batches' timing is the relays', not its start-up's.
    await publisher.publishRaw(topic as Topic, [{ key: 'warm-up', value: null }]);
    const reader = await new TopicReader(brokers).start([topic]);
    // The second batch any relay sends fails after a while (a broker timeout, say): it stays in
    // flight until the other replica has asked for the relay lease twice, so the other had its
    // chances to send a later batch meanwhile.
    let sends = 0;
    const failed: RawMessage[] = [];
    const flaky = (holder: string, other: string): Publisher => ({
      async publishRaw(t: Topic, messages: readonly RawMessage[]) {
        if (++sends === 2) {
          failed.push(...messages);
          const asked = leaseRequests.get(other) ?? 0;
          await waitFor(() => (leaseRequests.get(other) ?? 0) >= asked + 2, {
            what: `${other} to ask for the lease twice while ${holder}'s batch is in flight`,
            timeoutMs: 30_000,
            intervalMs: 10,
          });
          throw new Error('injected: the broker timed out');
        }
        await publisher.publishRaw(t, messages);
      },
    });
    const relays = await Promise.all([
      startRelay(db, 'replica-a', flaky('replica-a', 'replica-b')),
      startRelay(db, 'replica-b', flaky('replica-b', 'replica-a')),
    ]);
    try {
      await waitFor(async () => (await outboxCount(db)) === 0, {
        timeoutMs: 60_000,
        what: 'an empty outbox',
      });
      const read = await reader.waitForMessages(() => true, total, 60_000);
      expect(failed.length).toBeGreaterThan(0);

      const seen = new Map<string, number[]>();
      for (const m of read) {
        const seqs = seen.get(m.key!) ?? [];
        seqs.push((JSON.parse(m.value!) as { seq: number }).seq);
        seen.set(m.key!, seqs);
      }
      expect(seen.size).toBe(KEYS);
      // Each message is stamped with the time its row was written, not the time it was sent (the
      // relays start once every row is written, and one batch waits for the other replica).
      const stamped = read.map((m) => Number(m.timestamp));
      expect(Math.min(...stamped)).toBeGreaterThanOrEqual(writingFrom - 5);
      expect(Math.max(...stamped)).toBeLessThanOrEqual(writtenBy + 5);
      for (const [key, seqs] of seen) {
        // Per key: every message, each once, in the order written; a batch holds consecutive
        // numbers of every key, so a batch sent before the failed one was retried shows here.
        expect({ key, seqs }).toEqual({ key, seqs: [...Array(100).keys()] });
      }
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await reader.stop();
    }
  });

  it('measures relay throughput (one and two replicas)', async () => {
    for (const replicas of [1, 2]) {
      const topic = await newTopic();
      const total = await enqueue(db, topic, 400); // 9600 rows
      const started = Date.now();
      const relays = await Promise.all(
        Array.from({ length: replicas }, (_, i) => startRelay(db, `bench-${i}`, publisher)),
      );
      try {
        await waitFor(async () => (await outboxCount(db)) === 0, {
          timeoutMs: 120_000,
          intervalMs: 20,
          what: 'an empty outbox',
        });
      } finally {
        await Promise.all(relays.map((r) => r.stop()));
      }
      const ms = Date.now() - started;
      process.stdout.write(
        `[bench] outbox relay, ${replicas} replica(s): ${total} msgs in ${ms} ms = ${Math.round((total * 1000) / ms)} msgs/s\n`,
      );
      expect(await outboxCount(db)).toBe(0);
    }
  });
});
