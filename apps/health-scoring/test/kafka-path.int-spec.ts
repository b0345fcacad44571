import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { startTelemetry, stopTelemetry } from '@tsuzuku/platform-telemetry';
import { Header, Topic, messageKey } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { ConsumerRunner, EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  startTestService,
  waitFor,
  testCustomerEvent,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { SCORING_CONSUMER } from '../src/scoring/scoring.messaging';

const customerEvent = (workspaceId: string, accountId: string, occurredAt: string) =>
  testCustomerEvent(workspaceId, accountId, occurredAt);

describe('Kafka path: publisher -> health-scoring consumer -> its schema', () => {
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let connection: KafkaConnection;
  let publisher: EventPublisher;
  let deadLetters: TopicReader;
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;

  /** What the scoring consumer wrote of an account: its events by day and when it was last seen. */
  const activity = async (accountId: string) =>
    (
      await db.query<{ events_total: string; last_event_at: Date }>(
        `SELECT sum(d.events)::text AS events_total, max(a.last_seen_at) AS last_event_at
         FROM health_scoring.accounts a JOIN health_scoring.account_days d USING (workspace_id, account_id)
         WHERE a.workspace_id = $1 AND a.account_id = $2 GROUP BY a.account_id`,
        [workspaceId, accountId],
      )
    )[0];

  beforeAll(async () => {
    // As each service's main.ts does first: registers the tracer and the W3C propagator.
    startTelemetry('health-scoring-test');
    db = await createTestDatabase('kafka_path');
    deadLetters = await new TopicReader(process.env['KAFKA_BROKERS']!.split(',')).start([Topic.DeadLetter]);
    service = await startTestService(healthScoringService, {
      DATABASE_URL: db.url,
      CONSUMER_RETRY_BASE_MS: '20',
    });
    await service.app.get(ConsumerRunner).whenJoined(SCORING_CONSUMER);
    connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] }),
      'test-producer',
    );
    publisher = new EventPublisher(connection);
  });

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await service?.close();
    await deadLetters?.stop();
    await db?.drop();
    await stopTelemetry();
  });

  it('migrated its own schema, with the migrations table inside it', async () => {
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'health_scoring' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['account_days', 'accounts', 'inbox', 'migrations', 'outbox', 'scorecards']),
    );
    const elsewhere = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'migrations' AND table_schema <> 'health_scoring'",
    );
    expect(elsewhere[0]!.n).toBe('0');
  });

  it('writes a published event into the consuming service schema, once even when redelivered', async () => {
    const event = customerEvent(workspaceId, 'acc-1', '2026-11-01T09:00:00.000Z');
    await publisher.publish([event]);
    await waitFor(() => activity('acc-1'), { what: 'the account activity row' });
    // The same event again, as a redelivery would bring it.
    await publisher.publish([event]);
    const later = customerEvent(workspaceId, 'acc-1', '2026-11-02T09:00:00.000Z');
    await publisher.publish([later]);
    const row = await waitFor(async () => {
      const r = await activity('acc-1');
      return r && r.last_event_at.toISOString() === '2026-11-02T09:00:00.000Z' ? r : undefined;
    });
    expect(row.events_total).toBe('2');
  });

  it('counts an event repeated inside one batch once', async () => {
    const repeated = customerEvent(workspaceId, 'acc-4', '2026-11-01T09:00:00.000Z');
    const other = customerEvent(workspaceId, 'acc-4', '2026-11-02T09:00:00.000Z');
    // One send, one record batch: the copies reach the consumer in one run.
    await publisher.publish([repeated, repeated, other, repeated]);
    const row = await waitFor(async () => {
      const r = await activity('acc-4');
      return r && r.last_event_at.toISOString() === '2026-11-02T09:00:00.000Z' ? r : undefined;
    });
    expect(row.events_total).toBe('2');
    const days = await db.query<{ day: string; events: number }>(
      `SELECT day::text, events FROM health_scoring.account_days WHERE workspace_id = $1 AND account_id = 'acc-4' ORDER BY day`,
      [workspaceId],
    );
    expect(days).toEqual([
      { day: '2026-11-01', events: 1 },
      { day: '2026-11-02', events: 1 },
    ]);
  });

  it('sends a poison message to the dead-letter topic with its reason and origin, and keeps the partition moving', async () => {
    const key = messageKey(workspaceId, 'acc-2');
    await publisher.publishRaw(Topic.Events, [{ key, value: '{"this is": "not an envelope"' }]);
    await publisher.publish([customerEvent(workspaceId, 'acc-2', '2026-11-03T09:00:00.000Z')]);

    // Every consumer group of cs.events.v1 would dead-letter it on its own; this is the scoring's.
    const [dead] = await deadLetters.waitForMessages(
      (m) => m.key === key && m.headers[Header.DeadLetterConsumerGroup] === SCORING_CONSUMER,
    );
    expect(dead!.value).toBe('{"this is": "not an envelope"');
    expect(dead!.headers[Header.DeadLetterOriginTopic]).toBe(Topic.Events);
    expect(dead!.headers[Header.DeadLetterConsumerGroup]).toBe(SCORING_CONSUMER);
    expect(dead!.headers[Header.DeadLetterErrorCode]).toBe('CONTRACT_VIOLATION');
    expect(dead!.headers[Header.DeadLetterReason]).toMatch(/not JSON/);
    expect(Number(dead!.headers[Header.DeadLetterOriginOffset])).toBeGreaterThanOrEqual(0);

    // The valid event behind it, on the same partition, is still processed.
    const row = await waitFor(() => activity('acc-2'), { what: 'the event after the poison message' });
    expect(row.events_total).toBe('1');
  });

  it('carries W3C trace context in the message headers', async () => {
    const reader = await new TopicReader(process.env['KAFKA_BROKERS']!.split(',')).start([Topic.Events]);
    try {
      const event = customerEvent(workspaceId, 'acc-3', '2026-11-04T09:00:00.000Z');
      const tracer = trace.getTracer('test');
      let spanTraceId = '';
      await tracer.startActiveSpan('test-request', async (span) => {
        spanTraceId = span.spanContext().traceId;
        await context.with(trace.setSpan(context.active(), span), () => publisher.publish([event]));
        span.end();
      });
      const [message] = await reader.waitForMessages((m) => m.value?.includes(event.id) ?? false);
      expect(Object.keys(message!.headers)).toEqual([Header.TraceParent]);
      expect(message!.key).toBe(`${workspaceId}:acc-3`);
      const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-0[01]$/.exec(
        message!.headers[Header.TraceParent] ?? '',
      );
      expect(traceId?.[1]).toBe(spanTraceId);
    } finally {
      await reader.stop();
    }
  });
});
