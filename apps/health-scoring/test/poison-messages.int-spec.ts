import { randomUUID } from 'node:crypto';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { Header, Topic } from '@tsuzuku/contracts';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import {
  ReadMessage,
  RunningTestService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  startTestService,
  TestCustomerEvent,
  testCustomerEvent,
  waitFor,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { SCORING_CONSUMER } from '../src/scoring/scoring.messaging';

/**
 * Defence in depth behind ingestion: poison put straight onto cs.events.v1 by another producer
 * (kafkajs here, raw bytes, no contract check) must cost the other workspaces of its partition
 * nothing. It runs with the default retry settings, so a retried message would show in the time.
 */
describe('poison messages on cs.events.v1, from another producer', () => {
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let producer: Producer;
  let deadLetters: TopicReader;
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const poisonWorkspace = `ws_${randomUUID().slice(0, 8)}`;
  const others = [1, 2, 3].map(() => `ws_${randomUUID().slice(0, 8)}`);

  /** Inbox rows of the scoring consumer for these event ids, and in how many transactions they came. */
  const claimed = async (ids: readonly string[]) =>
    (
      await db.query<{ n: number; transactions: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT processed_at)::int AS transactions
         FROM health_scoring.inbox WHERE consumer = $1 AND event_id = ANY($2::text[])`,
        [SCORING_CONSUMER, ids],
      )
    )[0]!;

  beforeAll(async () => {
    db = await createTestDatabase('poison_messages');
    // The service provisions the topics it uses, the dead-letter topic among them.
    service = await startTestService(healthScoringService, { DATABASE_URL: db.url });
    deadLetters = await new TopicReader(brokers).start([Topic.DeadLetter]);
    await service.app.get(ConsumerRunner).whenJoined(SCORING_CONSUMER);
    producer = new Kafka({ clientId: 'another-tool', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.close();
    await deadLetters?.stop();
    await db?.drop();
  });

  it('dead-letters each poison message once, without retries, and processes the other workspaces behind it as one batch', async () => {
    const partition = 0;
    const key = `${poisonWorkspace}:acc-poison`;
    const invalid = testCustomerEvent(poisonWorkspace, 'acc-poison', '2026-11-05T09:00:00.000Z');
    const nul = testCustomerEvent(poisonWorkspace, 'acc-poison', '2026-11-05T09:00:00.000Z', {
      properties: { note: 'a\u0000b' },
    });
    const poison = [
      { value: '{"specVersion": 1, "id": "half', reason: /not JSON/ },
      { value: JSON.stringify({ ...invalid, workspaceId: undefined }), reason: /workspaceId/ },
      { value: JSON.stringify(nul), reason: /data\.properties\.note: must not contain a NUL/ },
    ];
    const eventsOf = (workspaces: readonly string[]) =>
      workspaces.flatMap((ws) =>
        Array.from({ length: 55 }, (_, i) =>
          testCustomerEvent(ws, `acc-${i % 5}`, new Date(Date.UTC(2026, 10, 1 + (i % 20), 9)).toISOString()),
        ),
      );
    const asMessage = (e: TestCustomerEvent) => ({
      key: `${e.workspaceId}:${e.accountId}`,
      value: JSON.stringify(e),
    });
    /** Sends the messages to the partition in one request and waits until the good events are claimed. */
    const sendAndMeasure = async (messages: { key: string; value: string }[], goodIds: readonly string[]) => {
      const sentAt = Date.now();
      const [sent] = await producer.send({
        topic: Topic.Events,
        acks: -1,
        messages: messages.map((m) => ({ ...m, partition })),
      });
      const done = await waitFor(
        async () => {
          const c = await claimed(goodIds);
          return c.n === goodIds.length ? c : undefined;
        },
        { what: 'the events of the other workspaces', intervalMs: 20, timeoutMs: 60_000 },
      );
      return {
        base: BigInt(sent!.baseOffset!),
        elapsedMs: Date.now() - sentAt,
        transactions: done.transactions,
      };
    };

    // The same run without poison first, for comparison.
    const clean = eventsOf([1, 2, 3].map(() => `ws_${randomUUID().slice(0, 8)}`));
    const baseline = await sendAndMeasure(
      clean.map(asMessage),
      clean.map((e) => e.id),
    );
    expect(baseline.transactions).toBe(1);

    const good = eventsOf(others);
    // Poison first, in the middle and near the end; all of it one send, so one fetched run.
    const messages = [
      { key, value: poison[0]!.value },
      ...good.slice(0, 80).map(asMessage),
      { key, value: poison[1]!.value },
      ...good.slice(80, 160).map(asMessage),
      { key, value: poison[2]!.value },
      ...good.slice(160).map(asMessage),
    ];
    const goodIds = good.map((e) => e.id);
    const done = await sendAndMeasure(messages, goodIds);
    const poisonOffsets = messages
      .map((m, i) => (m.key === key ? String(done.base + BigInt(i)) : undefined))
      .filter((o): o is string => o !== undefined);
    console.log(
      `poison on ${Topic.Events}/${partition}: ${goodIds.length} events of ${others.length} other workspaces, ` +
        `behind ${poison.length} poison messages in one run of ${messages.length}, processed ${done.elapsedMs} ms after the send ` +
        `in ${done.transactions} transaction(s); the same run without poison: ${baseline.elapsedMs} ms in ${baseline.transactions}`,
    );
    // One transaction: the run was not broken up message by message.
    expect(done.transactions).toBe(1);
    const [{ events }] = await db.query<{ events: number }>(
      `SELECT sum(events)::int AS events FROM health_scoring.account_days WHERE workspace_id = ANY($1::text[])`,
      [others],
    );
    expect(events).toBe(goodIds.length);

    // A later event on the same partition: once it is processed, nothing of the run is still being retried.
    const marker = testCustomerEvent(others[0]!, 'acc-marker', '2026-11-06T09:00:00.000Z');
    await producer.send({
      topic: Topic.Events,
      acks: -1,
      messages: [{ key: `${others[0]}:acc-marker`, value: JSON.stringify(marker), partition }],
    });
    await waitFor(async () => (await claimed([marker.id])).n === 1 || undefined, { what: 'the marker' });

    const ours = (m: ReadMessage) =>
      m.headers[Header.DeadLetterConsumerGroup] === SCORING_CONSUMER &&
      m.headers[Header.DeadLetterOriginTopic] === Topic.Events &&
      m.headers[Header.DeadLetterOriginPartition] === String(partition) &&
      poisonOffsets.includes(m.headers[Header.DeadLetterOriginOffset] ?? '');
    const dead = await deadLetters.waitForMessages(ours, poisonOffsets.length);
    expect(deadLetters.messages.filter(ours)).toHaveLength(poisonOffsets.length);
    expect(dead.map((d) => d.headers[Header.DeadLetterOriginOffset])).toEqual(poisonOffsets);
    dead.forEach((d, i) => {
      expect(d.key).toBe(key);
      expect(d.value).toBe(poison[i]!.value);
      expect(d.headers[Header.DeadLetterAttempts]).toBe('1');
      expect(d.headers[Header.DeadLetterErrorCode]).toBe('CONTRACT_VIOLATION');
      expect(d.headers[Header.DeadLetterReason]).toMatch(poison[i]!.reason);
    });
    // Nothing of the poison workspace was applied.
    expect(
      await db.query(`SELECT 1 FROM health_scoring.accounts WHERE workspace_id = $1`, [poisonWorkspace]),
    ).toEqual([]);

    // Counted, and shown in the readiness details.
    const ready = (await (await fetch(`${service.url}/health/ready`)).json()) as {
      details: { kafka: { deadLettered: Record<string, Record<string, number>> } };
    };
    expect(ready.details.kafka.deadLettered[SCORING_CONSUMER]?.['CONTRACT_VIOLATION']).toBeGreaterThanOrEqual(
      poisonOffsets.length,
    );
  });
});
