import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { Topic } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { traceHeadersFor } from '@tsuzuku/platform-database';
import { ConsumerRunner } from './consumer-runner';
import { EventPublisher } from './event-publisher';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';

const EVENTS = {
  GROUP_JOIN: 'group_join',
  CRASH: 'crash',
  FETCH: 'fetch',
  START_BATCH_PROCESS: 'start_batch_process',
  END_BATCH_PROCESS: 'end_batch_process',
  HEARTBEAT: 'heartbeat',
};

/** A runner on a fake kafkajs consumer whose instrumentation events the test emits. */
function fakeRunner() {
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  let running: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (running = resolve));
  const consumer = {
    events: EVENTS,
    on: (name: string, listener: (event: unknown) => void) => {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => undefined;
    },
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
      running();
    },
  };
  const connection = {
    kafka: { consumer: () => consumer },
    clientId: 'test-service',
    target: 'Kafka at test:9092',
  } as unknown as KafkaConnection;
  const provisioner = { whenDone: async () => undefined } as unknown as TopicProvisioner;
  const publisher = { publishRaw: async () => undefined } as unknown as EventPublisher;
  const config = { CONSUMER_MAX_ATTEMPTS: 5, CONSUMER_RETRY_BASE_MS: 1 } as ServiceConfig;
  const runner = new ConsumerRunner(connection, publisher, config, provisioner);
  const emit = async (name: string, payload: unknown = {}) => {
    await started;
    for (const listener of listeners.get(name) ?? []) listener({ payload });
  };
  const deliver = async (messages: { value: Buffer; headers: Record<string, string> }[]) => {
    await started;
    await eachBatch!({
      batch: {
        topic: Topic.Events,
        partition: 0,
        messages: messages.map(
          (m, offset) =>
            ({
              key: Buffer.from('k'),
              value: m.value,
              headers: m.headers,
              offset: String(offset),
              timestamp: '0',
            }) as KafkaMessage,
        ),
      },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  };
  return { runner, emit, deliver };
}

function envelope(id: string): Buffer {
  const at = '2026-11-01T10:00:00.000Z';
  return Buffer.from(
    JSON.stringify({
      specVersion: 1,
      id,
      type: 'customer.event.recorded',
      workspaceId: 'ws_a',
      accountId: 'acc',
      occurredAt: at,
      producedAt: at,
      source: 'test',
      correlationId: id,
      causationId: null,
      data: {
        call: 'track',
        messageId: id,
        event: 'Signed In',
        userId: 'u1',
        anonymousId: null,
        properties: {},
        traits: {},
        context: {},
        timestamp: at,
        receivedAt: at,
        sentAt: null,
        originalTimestamp: null,
      },
    }),
  );
}

describe('ConsumerRunner readiness', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is not consuming until joined, then while fetches or heartbeats come, not once they stop', async () => {
    const { runner, emit } = fakeRunner();
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    await runner.start({ groupId: 'g', topics: [Topic.Events], handle: async () => undefined });
    await emit(EVENTS.FETCH);
    expect(runner.notConsuming(15_000, now)).toMatch(/^consumer group g: /);

    await emit(EVENTS.GROUP_JOIN);
    expect(runner.notConsuming(15_000, now)).toBeUndefined();
    now += 10_000;
    await emit(EVENTS.HEARTBEAT);
    expect(runner.notConsuming(15_000, now + 14_000)).toBeUndefined();
    expect(runner.notConsuming(15_000, now + 16_000)).toBe(
      'consumer group g: no fetch, batch or heartbeat for 16 s',
    );

    await emit(EVENTS.CRASH, { error: new Error('broker gone'), restart: true });
    expect(runner.notConsuming(15_000, now)).toBe('consumer group g: crashed: Error: broker gone');
    await emit(EVENTS.GROUP_JOIN);
    expect(runner.notConsuming(15_000, now)).toBeUndefined();
    expect(runner.failure).toBeUndefined();
  });
});

describe('ConsumerRunner trace context of a batch', () => {
  const spans = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
  });

  it('runs a batch in one span linked to every message, and gives what it writes per event that event’s trace', async () => {
    const { runner, deliver } = fakeRunner();
    const seen = new Map<string, string | undefined>();
    await runner.startBatchForEvents({
      groupId: 'g',
      topics: [Topic.Events],
      handleBatch: async (events) => {
        for (const { envelope: e } of events) seen.set(e.id, traceHeadersFor(e.id)['traceparent']);
        seen.set('(no cause)', traceHeadersFor(null)['traceparent']);
      },
    });
    const parents = ['a', 'b'].map((c) => `00-${c.repeat(32)}-${c.repeat(16)}-01`);
    await deliver([
      { value: envelope('e1'), headers: { traceparent: parents[0]! } },
      { value: envelope('e2'), headers: { traceparent: parents[1]! } },
    ]);

    expect(seen.get('e1')).toBe(parents[0]);
    expect(seen.get('e2')).toBe(parents[1]);
    const [batch] = spans.getFinishedSpans();
    expect(batch!.name).toBe(`${Topic.Events} process`);
    expect(batch!.links.map((l) => l.context.traceId)).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    // Two traces: the batch span starts its own, and a row with no cause is written in it.
    expect(batch!.parentSpanContext).toBeUndefined();
    expect(seen.get('(no cause)')).toContain(batch!.spanContext().traceId);
  });
});
