import { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { Header, Topic } from '@tsuzuku/contracts';
import { parsePrometheusText, sampleSum, scrapeMetrics } from '@tsuzuku/platform-telemetry';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ConsumedEnvelope, ConsumerRunner } from './consumer-runner';

const IDLE_MS = 15_000;
import { EventPublisher, RawMessage } from './event-publisher';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';

/** A valid customer event envelope, as JSON bytes. */
function envelope(id: string, workspaceId: string, properties: object = {}): Buffer {
  const at = '2026-11-01T10:00:00.000Z';
  return Buffer.from(
    JSON.stringify({
      specVersion: 1,
      id,
      type: 'customer.event.recorded',
      workspaceId,
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
        properties,
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

/** A runner on a fake consumer: `deliver` hands it one fetched batch, as kafkajs would. */
function fakeRunner() {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  let running: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (running = resolve));
  const handlers = new Map<string, ((event: unknown) => void)[]>();
  const consumer = {
    events: {
      GROUP_JOIN: 'group_join',
      CRASH: 'crash',
      FETCH: 'fetch',
      START_BATCH_PROCESS: 'start_batch_process',
      END_BATCH_PROCESS: 'end_batch_process',
      HEARTBEAT: 'heartbeat',
    },
    on: (name: string, handler: (event: unknown) => void) => {
      handlers.set(name, [...(handlers.get(name) ?? []), handler]);
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
  const deadLetters: RawMessage[] = [];
  const publisher = {
    publishRaw: async (topic: Topic, messages: readonly RawMessage[]) => {
      expect(topic).toBe(Topic.DeadLetter);
      deadLetters.push(...messages);
    },
  } as unknown as EventPublisher;
  const config = { CONSUMER_MAX_ATTEMPTS: 5, CONSUMER_RETRY_BASE_MS: 1 } as ServiceConfig;
  const runner = new ConsumerRunner(connection, publisher, config, provisioner);
  const resolved: string[] = [];
  const resolvedOf = new Map<number, string[]>();
  const deliver = async (values: (Buffer | null)[], partition = 3) => {
    // The runner connects in the background: the batch handler exists once run() was called.
    await started;
    const messages = values.map(
      (value, offset) =>
        ({
          key: Buffer.from('k'),
          value,
          headers: {},
          offset: String(offset),
          timestamp: '0',
        }) as KafkaMessage,
    );
    await eachBatch!({
      batch: { topic: Topic.Events, partition, messages },
      resolveOffset: (offset: string) => {
        resolved.push(offset);
        resolvedOf.set(partition, [...(resolvedOf.get(partition) ?? []), offset]);
      },
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  };
  const emit = async (name: string) => {
    await started;
    for (const handler of handlers.get(name) ?? []) handler({ payload: {} });
  };
  return { runner, deliver, deadLetters, resolved, resolvedOf, emit };
}

describe('ConsumerRunner', () => {
  it('is ready only once joined, and not while a joined consumer neither fetches nor heartbeats', async () => {
    const { runner, emit } = fakeRunner();
    await runner.start({ groupId: 'svc.feature', topics: [Topic.Events], handle: async () => undefined });
    expect(runner.notConsuming(IDLE_MS)).toContain('svc.feature');
    const start = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
    try {
      await emit('group_join');
      expect(runner.notConsuming(IDLE_MS, start)).toBeUndefined();
      expect(runner.notConsuming(IDLE_MS, start + IDLE_MS - 1)).toBeUndefined();
      expect(runner.notConsuming(IDLE_MS, start + IDLE_MS + 1_000)).toMatch(
        /svc\.feature: no fetch, batch or heartbeat for \d+ s/,
      );
      clock.mockReturnValue(start + IDLE_MS + 1_000);
      await emit('fetch');
      expect(runner.notConsuming(IDLE_MS, start + IDLE_MS + 1_000)).toBeUndefined();
      expect(runner.notConsuming(IDLE_MS, start + 2 * IDLE_MS + 2_000)).toBeDefined();
      clock.mockReturnValue(start + 2 * IDLE_MS + 2_000);
      await emit('heartbeat');
      expect(runner.notConsuming(IDLE_MS, start + 2 * IDLE_MS + 2_000)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });

  it('dead-letters poison at once with its reason, and hands the rest of the run to one batch in order', async () => {
    const { runner, deliver, deadLetters, resolved } = fakeRunner();
    const batches: string[][] = [];
    await runner.startBatchForEvents({
      groupId: 'test.group',
      topics: [Topic.Events],
      handleBatch: async (events: readonly ConsumedEnvelope[]) => {
        batches.push(events.map((e) => e.envelope.id));
      },
    });
    await deliver([
      envelope('e1', 'ws_a'),
      Buffer.from('{"not json'),
      envelope('e2', 'ws_b'),
      Buffer.from(JSON.stringify({ specVersion: 1, id: 'x' })),
      envelope('e3', 'ws_c', { note: 'a\u0000b' }),
      null,
      envelope('e4', 'ws_d'),
    ]);

    expect(batches).toEqual([['e1', 'e2', 'e4']]);
    expect(deadLetters.map((d) => d.headers![Header.DeadLetterOriginOffset])).toEqual(['1', '3', '4', '5']);
    for (const d of deadLetters) {
      expect(d.headers![Header.DeadLetterAttempts]).toBe('1');
      expect(d.headers![Header.DeadLetterErrorCode]).toBe('CONTRACT_VIOLATION');
      expect(d.headers![Header.DeadLetterConsumerGroup]).toBe('test.group');
    }
    expect(deadLetters.map((d) => d.headers![Header.DeadLetterReason])).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/\/id|required/),
      expect.stringMatching(/data\.properties\.note: must not contain a NUL/),
      expect.stringMatching(/no value/),
    ]);
    expect(resolved.at(-1)).toBe('6');
    expect(runner.deadLetterCounts()).toEqual({ 'test.group': { CONTRACT_VIOLATION: 4 } });
  });

  it('merges the runs of partitions handled at once into one batch call, each run whole and in order', async () => {
    const { runner, deliver, resolvedOf } = fakeRunner();
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await runner.startBatchForEvents({
      groupId: 'test.merged',
      topics: [Topic.Events],
      mergePartitionRuns: true,
      handleBatch: async (events) => {
        calls.push(events.map((e) => e.envelope.id));
        // The first call stays in flight until the other partitions' runs are waiting.
        if (calls.length === 1) await held;
      },
    });
    const first = deliver([envelope('p0-a', 'ws'), envelope('p0-b', 'ws')], 0);
    const second = deliver([envelope('p1-a', 'ws'), envelope('p1-b', 'ws')], 1);
    const third = deliver([envelope('p2-a', 'ws')], 2);
    // Both later runs are queued behind the call in flight before it ends.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, second, third]);

    expect(calls).toEqual([
      ['p0-a', 'p0-b'],
      ['p1-a', 'p1-b', 'p2-a'],
    ]);
    expect(Object.fromEntries(resolvedOf)).toEqual({ 0: ['1'], 1: ['1'], 2: ['0'] });
  });

  it('handles each run of a failed merged call again on its own, message by message', async () => {
    const { runner, deliver, resolvedOf, deadLetters } = fakeRunner();
    const applied: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await runner.startBatchForEvents({
      groupId: 'test.merged-failure',
      topics: [Topic.Events],
      mergePartitionRuns: true,
      maxAttempts: 2,
      handleBatch: async (events) => {
        if (++calls === 1) await held;
        if (events.length > 1 && events.some((e) => e.envelope.id === 'bad'))
          throw new Error('one message fails the run');
        if (events.some((e) => e.envelope.id === 'bad')) throw new Error('still failing');
        applied.push(...events.map((e) => e.envelope.id));
      },
    });
    const first = deliver([envelope('p0-a', 'ws')], 0);
    const second = deliver([envelope('p1-a', 'ws'), envelope('bad', 'ws')], 1);
    const third = deliver([envelope('p2-a', 'ws')], 2);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, second, third]);

    // The merged call of partitions 1 and 2 failed: each run went again one message at a time.
    expect([...applied].sort()).toEqual(['p0-a', 'p1-a', 'p2-a']);
    expect(deadLetters.map((d) => d.headers![Header.DeadLetterOriginOffset])).toEqual(['1']);
    // Every partition's offsets were resolved up to its last message.
    expect([0, 1, 2].map((p) => resolvedOf.get(p)?.at(-1))).toEqual(['0', '1', '0']);
  });

  it('retries a failing run one message at a time, and dead-letters only what keeps failing', async () => {
    const { runner, deliver, deadLetters } = fakeRunner();
    const applied: string[] = [];
    const attempts = new Map<string, number>();
    await runner.startBatchForEvents({
      groupId: 'test.retries',
      topics: [Topic.Events],
      maxAttempts: 3,
      handleBatch: async (events) => {
        for (const { envelope: e } of events) attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
        if (events.some((e) => e.envelope.id === 'bad')) throw new Error('database refused it');
        applied.push(...events.map((e) => e.envelope.id));
      },
    });
    await deliver([envelope('e1', 'ws_a'), envelope('bad', 'ws_b'), envelope('e2', 'ws_c')]);

    expect(applied).toEqual(['e1', 'e2']);
    // Once in the failed run, then three attempts on its own.
    expect(attempts.get('bad')).toBe(4);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]!.headers).toMatchObject({
      [Header.DeadLetterAttempts]: '3',
      [Header.DeadLetterErrorCode]: 'HANDLER_FAILED',
      [Header.DeadLetterReason]: 'Error: database refused it',
    });
    expect(runner.deadLetterCounts()).toEqual({ 'test.retries': { HANDLER_FAILED: 1 } });
  });

  it('dead-letters at once, without retries, a message whose values Postgres refuses', async () => {
    const { runner, deliver, deadLetters } = fakeRunner();
    const attempts = new Map<string, number>();
    const applied: string[] = [];
    await runner.startBatchForEvents({
      groupId: 'test.data',
      topics: [Topic.Events],
      handleBatch: async (events) => {
        for (const { envelope: e } of events) attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
        if (events.some((e) => e.envelope.id === 'huge'))
          throw Object.assign(new Error('numeric field overflow'), { driverError: { code: '22003' } });
        applied.push(...events.map((e) => e.envelope.id));
      },
    });
    await deliver([envelope('e1', 'ws_a'), envelope('huge', 'ws_b'), envelope('e2', 'ws_c')]);

    expect(applied).toEqual(['e1', 'e2']);
    // Once in the failed run, once on its own.
    expect(attempts.get('huge')).toBe(2);
    expect(deadLetters.map((d) => d.headers)).toEqual([
      expect.objectContaining({
        [Header.DeadLetterAttempts]: '1',
        [Header.DeadLetterErrorCode]: 'DATA_REJECTED',
        [Header.DeadLetterReason]: 'Error: numeric field overflow',
      }),
    ]);
  });

  it('counts per run what it processed, the failed attempts and the dead letters, per group and partition', async () => {
    const { runner, deliver } = fakeRunner();
    await runner.startBatchForEvents({
      groupId: 'test.metrics',
      topics: [Topic.Events],
      maxAttempts: 2,
      handleBatch: async (events) => {
        if (events.some((e) => e.envelope.id === 'bad')) throw new Error('database refused it');
      },
    });
    await deliver([envelope('e1', 'ws_a'), envelope('bad', 'ws_b'), Buffer.from('{"not json')]);
    await deliver([envelope('e2', 'ws_a')]);

    const samples = parsePrometheusText(await scrapeMetrics());
    const of = { messaging_consumer_group_name: 'test.metrics', messaging_destination_partition_id: '3' };
    // Both fetched batches, every message of them: handled, or dead-lettered.
    expect(sampleSum(samples, 'messaging_client_consumed_messages_total', of)).toBe(4);
    expect(sampleSum(samples, 'messaging_process_duration_count', of)).toBe(2);
    // The run of two decoded messages failed as a batch, then "bad" failed twice on its own.
    expect(
      sampleSum(samples, 'tsuzuku_messaging_process_failures_total', {
        ...of,
        tsuzuku_messaging_failure_scope: 'batch',
      }),
    ).toBe(2);
    expect(
      sampleSum(samples, 'tsuzuku_messaging_process_failures_total', {
        ...of,
        tsuzuku_messaging_failure_scope: 'message',
        error_type: 'HANDLER_FAILED',
      }),
    ).toBe(2);
    expect(
      sampleSum(samples, 'tsuzuku_messaging_dead_letters_total', { ...of, error_type: 'HANDLER_FAILED' }),
    ).toBe(1);
    expect(
      sampleSum(samples, 'tsuzuku_messaging_dead_letters_total', { ...of, error_type: 'CONTRACT_VIOLATION' }),
    ).toBe(1);
  });
});
