import { BeforeApplicationShutdown, Injectable, Logger, Optional } from '@nestjs/common';
import { Context, Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { Header, Topic, parseEnvelope } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import {
  DatabaseStatus,
  TraceHeaders,
  isDataException,
  isDatabaseUnavailable,
  withCauseTraces,
} from '@tsuzuku/platform-database';
import { KafkaConnection } from './kafka-connection';
import { AnyEnvelope, EventPublisher } from './event-publisher';
import { ContractViolationError, KafkaErrorCode, PoisonMessageError } from './errors';
import { extractTraceContext, headersToStrings, traceHeadersOf } from './trace-context';
import { backoffDelay } from './backoff';
import { ConsumedMessage } from './consumed-message';
import { TopicProvisioner } from './topic-provisioner';
import { WaitAbandonedError, describeError, waitUntilAvailable } from './wait-until-available';
import { ConsumerMetrics } from './consumer-metrics';
import { Coalescer } from './coalescer';

export interface ConsumerOptions {
  /** Consumer group; by convention `<service>.<feature>`. */
  readonly groupId: string;
  readonly topics: readonly Topic[];
  readonly handle: (message: ConsumedMessage) => Promise<void>;
  /**
   * Handles a run of messages at once (in order, at most `batchSize`). When it throws, the run
   * is handled again message by message through `handle`, with the usual retries and dead
   * letters, so a failure that only some messages cause costs a slower run, never a stopped
   * partition.
   */
  readonly handleBatch?: (messages: readonly ConsumedMessage[]) => Promise<void>;
  readonly batchSize?: number;
  /** Bytes one fetch may bring per partition (kafkajs default 1 MiB); larger runs amortise per-run work. */
  readonly maxBytesPerPartition?: number;
  /** Partitions handled at once (kafkajs default 1): overlaps one partition's database round trips with another's work. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Merge the runs of the partitions handled at once into one `handleBatch` call (up to
   * `batchSize` messages): runs that arrive while one call is in flight go together in the next,
   * so a fetch of many partitions costs a few transactions instead of one per partition. Each
   * partition's run stays in order and whole; a merged call that fails is handled again run by
   * run, message by message. Needs a `handleBatch` that takes messages of any of its topics.
   */
  readonly mergePartitionRuns?: boolean;
  /**
   * With mergePartitionRuns: merged calls in flight at once (default 1). More overlaps one call's
   * database round trips with another's work; only for a handler whose calls may run together.
   */
  readonly mergedCallsInFlight?: number;
  /** Read a new group's topics from the beginning (default) or only new messages. */
  readonly fromBeginning?: boolean;
  readonly maxAttempts?: number;
  readonly retryBaseMs?: number;
  /**
   * Commit offsets (default). False for a reader that starts from the beginning every time: its
   * group then holds no offsets, and the broker removes it once it is empty.
   */
  readonly commitOffsets?: boolean;
}

export type ConsumerSettings = Omit<ConsumerOptions, 'handle' | 'handleBatch'>;

/** An envelope with the message it came in. */
export interface ConsumedEnvelope {
  readonly envelope: AnyEnvelope;
  readonly message: ConsumedMessage;
}

/**
 * How a consumer turns messages into work. Every message of a run is decoded before the run is
 * handled: one that cannot be decoded is dead-lettered at once, without retries (no retry can fix
 * its bytes), and never enters the run, so the rest of the run is still handled as one.
 */
interface Pipeline<T> {
  /** Throws for a message that cannot be decoded (a PoisonMessageError, with its reason). */
  readonly decode: (message: ConsumedMessage) => T;
  /** One item, on the one-by-one pass; `message` carries the attempt number. */
  readonly handle: (item: T, message: ConsumedMessage) => Promise<void>;
  readonly handleBatch?: (items: readonly T[]) => Promise<void>;
  /** The event id of an item: what the messages its handling causes name as their causationId. */
  readonly causeIdOf?: (item: T) => string;
  /** Set when the settings merge partition runs: where each run's batch call goes. */
  readonly merged?: Coalescer<readonly Decoded<T>[]>;
}

interface Decoded<T> {
  readonly item: T;
  readonly message: ConsumedMessage;
}

interface DeadLetter {
  readonly message: ConsumedMessage;
  readonly error: unknown;
  readonly attempts: number;
}

/** Dead letters a service has written since it started, by consumer group and error code. */
export type DeadLetterCounts = Record<string, Record<string, number>>;

const tracer = trace.getTracer('tsuzuku-kafka');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Parses and checks an envelope; a message that breaks its contract is a poison message. */
function decodeEnvelope(message: ConsumedMessage): AnyEnvelope {
  const parsed = parseEnvelope(message.value);
  if (!parsed.ok)
    throw new ContractViolationError(
      parsed.violations,
      `message ${message.topic}/${message.partition}@${message.offset}`,
    );
  return parsed.envelope;
}

/**
 * Runs Kafka consumers the same way everywhere: batches, decoding and contract checks before a
 * run's effects, per-message retries with backoff for what may pass on a retry, a dead-letter
 * topic (reason and origin in headers) for what cannot be decoded, at once, and for what still
 * fails after its retries, so the partition keeps moving; trace context continued from the
 * headers, and an orderly stop at shutdown.
 */
@Injectable()
export class ConsumerRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerRunner.name);
  private readonly consumers = new Map<string, Consumer>();
  private readonly joined = new Map<string, Promise<void>>();
  private readonly deadLettered = new Map<string, Map<string, number>>();
  private readonly markJoined = new Map<string, () => void>();
  // Why each started group is not consuming now (absent once it runs).
  private readonly notRunning = new Map<string, string>();
  // Crashes of each group since it last joined: the restart backs off.
  private readonly crashes = new Map<string, number>();
  // When each running group last showed it consumes: a fetch, a batch, a heartbeat (ms epoch).
  private readonly lastActive = new Map<string, number>();
  // Why a group will never consume again in this process (start-up gave up): liveness fails.
  private gaveUp?: string;
  private stopping = false;
  private readonly metrics: ConsumerMetrics;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    private readonly provisioner: TopicProvisioner,
    @Optional() private readonly database?: DatabaseStatus,
  ) {
    this.metrics = new ConsumerMetrics(() => connection.probeClient());
  }

  /**
   * Starts a consumer of raw messages in the background: once Kafka answered and the database
   * is connected, it connects (waiting, with a log line, while Kafka is unreachable), then goes
   * on joining its group. A consumer that crashes is started again.
   */
  async start(options: ConsumerOptions): Promise<void> {
    const { handle, handleBatch } = options;
    await this.run(options, {
      decode: (message) => message,
      handle: (_item, message) => handle(message),
      ...(handleBatch ? { handleBatch } : {}),
    });
  }

  /**
   * Resolves once the consumer has joined its group and been assigned partitions. Start-up does
   * not wait for it: a group still holding a crashed member can take a session timeout to settle.
   */
  async whenJoined(groupId: string): Promise<void> {
    const joined = this.joined.get(groupId);
    if (!joined) throw new Error(`no consumer group ${groupId} was started`);
    await joined;
  }

  /**
   * Starts a consumer of event envelopes that handles them a run at a time. Messages that break
   * their contract go to the dead-letter topic at once; the others reach `handleBatch` in order.
   */
  async startBatchForEvents(
    options: ConsumerSettings & {
      handleBatch: (events: readonly ConsumedEnvelope[]) => Promise<void>;
    },
  ): Promise<void> {
    await this.run<ConsumedEnvelope>(options, {
      decode: (message) => ({ envelope: decodeEnvelope(message), message }),
      handle: ({ envelope }, message) => options.handleBatch([{ envelope, message }]),
      handleBatch: options.handleBatch,
      causeIdOf: ({ envelope }) => envelope.id,
    });
  }

  /** Dead letters written since start, by consumer group and error code (also in the readiness details). */
  deadLetterCounts(): DeadLetterCounts {
    const counts: DeadLetterCounts = {};
    for (const [group, byCode] of this.deadLettered) counts[group] = Object.fromEntries(byCode);
    return counts;
  }

  private async run<T>(settings: ConsumerSettings, given: Pipeline<T>): Promise<void> {
    const handleBatch = given.handleBatch;
    const pipeline: Pipeline<T> =
      settings.mergePartitionRuns && handleBatch
        ? {
            ...given,
            merged: new Coalescer<readonly Decoded<T>[]>(
              (runs) => {
                const all = runs.flat();
                return this.inBatchSpan(settings, given, all, () => handleBatch(all.map((d) => d.item)));
              },
              {
                maxWeight: settings.batchSize ?? 500,
                weigh: (run) => run.length,
                concurrency: settings.mergedCallsInFlight ?? 1,
              },
            ),
          }
        : given;
    if (this.joined.has(settings.groupId))
      throw new Error(`consumer group ${settings.groupId} is already running`);
    this.notRunning.set(settings.groupId, 'waiting for Kafka and the database at start-up');
    this.joined.set(
      settings.groupId,
      new Promise<void>((resolve) => this.markJoined.set(settings.groupId, resolve)),
    );
    void this.keepRunning(settings, pipeline);
  }

  /** Why some consumer is not consuming now (not joined, or crashed); undefined when all run. */
  get pending(): string | undefined {
    const [first] = this.notRunning;
    return first ? `consumer group ${first[0]}: ${first[1]}` : undefined;
  }

  /**
   * Why some consumer is not joined and fetching now, for readiness: it is starting, crashed and
   * not yet back, or has shown no fetch, batch or heartbeat for `maxIdleMs` (Kafka unreachable,
   * or the group stuck rebalancing). Undefined when every group consumes.
   */
  notConsuming(maxIdleMs: number, now = Date.now()): string | undefined {
    const pending = this.pending;
    if (pending) return pending;
    for (const [group, at] of this.lastActive)
      if (now - at > maxIdleMs)
        return `consumer group ${group}: no fetch, batch or heartbeat for ${Math.round((now - at) / 1000)} s`;
    return undefined;
  }

  /** Why a consumer stopped for good in this process (only a restart helps); undefined normally. */
  get failure(): string | undefined {
    return this.gaveUp;
  }

  private async keepRunning<T>(settings: ConsumerSettings, pipeline: Pipeline<T>): Promise<void> {
    try {
      await this.provisioner.whenDone();
      await this.database?.whenStarted();
      await waitUntilAvailable(() => this.connectAndRun(settings, pipeline), {
        what: this.connection.target,
        logger: this.logger,
        stopped: () => this.stopping,
        onFailure: (reason) => this.notRunning.set(settings.groupId, reason),
      });
      // Not cleared here: kafkajs resolves run() also when the join failed (it reports a crash
      // instead). GROUP_JOIN clears it, so readiness waits for the group to be joined.
    } catch (error) {
      if (!(error instanceof WaitAbandonedError)) {
        this.gaveUp = `consumer group ${settings.groupId} not started: ${describeError(error)}`;
        this.logger.error(`${settings.groupId}: consumer not started: ${describeError(error)}`);
      }
    }
  }

  private async connectAndRun<T>(settings: ConsumerSettings, pipeline: Pipeline<T>): Promise<void> {
    if (this.stopping) throw new WaitAbandonedError('stopping');
    const consumer = this.connection.kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: 15_000,
      heartbeatInterval: 3_000,
      // Short fetch waits keep shutdown quick: stopping waits for the fetch in flight.
      maxWaitTimeInMs: 1_000,
      allowAutoTopicCreation: false,
      ...(settings.maxBytesPerPartition
        ? { maxBytesPerPartition: settings.maxBytesPerPartition, maxBytes: settings.maxBytesPerPartition * 4 }
        : {}),
    });
    this.consumers.set(settings.groupId, consumer);
    let logJoin = true;
    const active = () => this.lastActive.set(settings.groupId, Date.now());
    for (const event of [
      consumer.events.FETCH,
      consumer.events.START_BATCH_PROCESS,
      consumer.events.END_BATCH_PROCESS,
      consumer.events.HEARTBEAT,
    ])
      consumer.on(event, active);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      active();
      this.metrics.assigned(settings.groupId, payload.memberAssignment);
      this.notRunning.delete(settings.groupId);
      this.crashes.delete(settings.groupId);
      if (logJoin)
        this.logger.log(`consumer ${settings.groupId} joined, reading ${settings.topics.join(', ')}`);
      logJoin = false;
      this.markJoined.get(settings.groupId)?.();
    });
    // kafkajs restarts a consumer after a retriable crash; after any other it stays down.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.metrics.unassigned(settings.groupId);
      if (this.stopping) return;
      this.notRunning.set(settings.groupId, `crashed: ${describeError(payload.error)}`);
      if (payload.restart) return;
      const crashes = (this.crashes.get(settings.groupId) ?? 0) + 1;
      this.crashes.set(settings.groupId, crashes);
      const delay = backoffDelay(crashes, 1_000);
      this.logger.error(
        `${settings.groupId}: consumer crashed, starting it again in ${delay} ms: ${describeError(payload.error)}`,
      );
      this.consumers.delete(settings.groupId);
      setTimeout(() => void this.keepRunning(settings, pipeline), delay).unref();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...settings.topics],
        fromBeginning: settings.fromBeginning ?? true,
      });
      await consumer.run({
        autoCommit: settings.commitOffsets ?? true,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.processBatch(settings, pipeline, payload),
      });
    } catch (error) {
      this.consumers.delete(settings.groupId);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private async processBatch<T>(
    settings: ConsumerSettings,
    pipeline: Pipeline<T>,
    payload: EachBatchPayload,
  ): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const size = pipeline.handleBatch ? (settings.batchSize ?? 500) : 1;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const began = performance.now();
      const run = batch.messages.slice(start, start + size);
      const decoded = await this.decodeRun(settings, pipeline, batch.topic, batch.partition, run);
      if (!(await this.handleRun(settings, pipeline, decoded, payload))) return;
      this.metrics.processed(
        settings.groupId,
        batch.topic,
        batch.partition,
        run.length,
        (performance.now() - began) / 1000,
      );
      resolveOffset(run[run.length - 1]!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /**
   * Decodes every message of a run. What cannot be decoded is dead-lettered at once, before the
   * run takes effect (a crash in between redelivers both), and left out of the run.
   */
  private async decodeRun<T>(
    settings: ConsumerSettings,
    pipeline: Pipeline<T>,
    topic: string,
    partition: number,
    run: readonly KafkaMessage[],
  ): Promise<Decoded<T>[]> {
    const decoded: Decoded<T>[] = [];
    const poison: DeadLetter[] = [];
    for (const raw of run) {
      const message = toConsumed(topic, partition, raw, 1);
      try {
        decoded.push({ item: pipeline.decode(message), message });
      } catch (error) {
        // Decoding is a function of the bytes alone: whatever it throws, a retry throws again.
        const permanent =
          error instanceof PoisonMessageError
            ? error
            : new PoisonMessageError(`cannot decode: ${describe(error)}`);
        poison.push({ message, error: permanent, attempts: 1 });
      }
    }
    await this.deadLetter(settings, poison);
    return decoded;
  }

  /**
   * Handles a run as one batch when the consumer can, else (or when the batch fails) one message
   * at a time with retries. False when the consumer is stopping and the rest is left for redelivery.
   */
  private async handleRun<T>(
    settings: ConsumerSettings,
    pipeline: Pipeline<T>,
    decoded: readonly Decoded<T>[],
    payload: EachBatchPayload,
  ): Promise<boolean> {
    if (decoded.length === 0) return true;
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (pipeline.handleBatch) {
      try {
        if (pipeline.merged) await pipeline.merged.add(decoded);
        else
          await this.inBatchSpan(settings, pipeline, decoded, () =>
            pipeline.handleBatch!(decoded.map((d) => d.item)),
          );
        return true;
      } catch (error) {
        this.metrics.failed(
          settings.groupId,
          batch.topic,
          batch.partition,
          'batch',
          codeOf(error),
          decoded.length,
        );
        this.logger.warn(
          `${settings.groupId}: a run of ${decoded.length} from ${batch.topic}/${batch.partition}@${decoded[0]!.message.offset} failed, handling it one by one: ${describe(error)}`,
        );
      }
    }
    for (const one of decoded) {
      if (!isRunning() || isStale()) return false;
      if (!(await this.processMessage(settings, pipeline, one, payload))) return false;
      resolveOffset(one.message.offset);
      await heartbeat();
    }
    return true;
  }

  /** Handles one message with retries; false when the consumer is stopping and it was left for redelivery. */
  private async processMessage<T>(
    settings: ConsumerSettings,
    pipeline: Pipeline<T>,
    { item, message }: Decoded<T>,
    { heartbeat, isRunning, isStale }: EachBatchPayload,
  ): Promise<boolean> {
    const maxAttempts = settings.maxAttempts ?? this.config.CONSUMER_MAX_ATTEMPTS;
    const baseMs = settings.retryBaseMs ?? this.config.CONSUMER_RETRY_BASE_MS;
    for (let attempt = 1; ; attempt++) {
      const consumed = { ...message, attempt };
      try {
        await this.inSpan(settings, consumed, `${consumed.topic} process`, () =>
          pipeline.handle(item, consumed),
        );
        return true;
      } catch (error) {
        this.metrics.failed(
          settings.groupId,
          consumed.topic,
          consumed.partition,
          'message',
          codeOf(error),
          1,
        );
        // What cannot pass on a retry is dead-lettered at once: poison, or values Postgres refuses.
        // A database that is down is no fault of the message: it waits, it is not dead-lettered.
        if (
          error instanceof PoisonMessageError ||
          isDataException(error) ||
          (attempt >= maxAttempts && !isDatabaseUnavailable(error))
        ) {
          await this.deadLetter(settings, [{ message: consumed, error, attempts: attempt }]);
          return true;
        }
        this.logger.warn(
          `${settings.groupId}: ${consumed.topic}/${consumed.partition}@${consumed.offset} failed (attempt ${attempt}/${maxAttempts}): ${describe(error)}`,
        );
        const until = Date.now() + backoffDelay(attempt, baseMs);
        while (Date.now() < until) {
          if (!isRunning() || isStale() || this.stopping) return false;
          await sleep(Math.min(500, until - Date.now()));
          await heartbeat();
        }
      }
    }
  }

  /** Runs work in a consumer span that continues the trace of `message`. */
  private inSpan(
    settings: ConsumerSettings,
    message: ConsumedMessage,
    name: string,
    work: () => Promise<void>,
  ): Promise<void> {
    return this.consumerSpan(
      name,
      extractTraceContext(message.headers),
      [],
      {
        'messaging.consumer.group.name': settings.groupId,
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
      },
      work,
    );
  }

  /**
   * Runs a run of messages in one consumer span linked to every message's trace context. When they
   * all belong to one trace the span continues it; else it starts its own. Either way, what the
   * handler writes to its outbox for one event continues that event's trace (withCauseTraces).
   */
  private inBatchSpan<T>(
    settings: ConsumerSettings,
    pipeline: Pipeline<T>,
    decoded: readonly Decoded<T>[],
    work: () => Promise<void>,
  ): Promise<void> {
    const first = decoded[0]!.message;
    const links: Link[] = [];
    const traceIds = new Set<string>();
    const causes = new Map<string, TraceHeaders>();
    for (const { item, message } of decoded) {
      const headers = traceHeadersOf(message.headers);
      if (!headers) continue;
      const linked = trace.getSpanContext(extractTraceContext(headers));
      if (linked) {
        links.push({ context: linked });
        traceIds.add(linked.traceId);
      }
      if (pipeline.causeIdOf) causes.set(pipeline.causeIdOf(item), headers);
    }
    const parent = traceIds.size === 1 ? extractTraceContext(first.headers) : ROOT_CONTEXT;
    return this.consumerSpan(
      `${first.topic} process`,
      parent,
      links,
      {
        'messaging.consumer.group.name': settings.groupId,
        'messaging.destination.name': first.topic,
        'messaging.destination.partition.id': String(first.partition),
        'messaging.kafka.offset': Number(first.offset),
        'messaging.batch.message_count': decoded.length,
      },
      () => withCauseTraces(causes, work),
    );
  }

  private consumerSpan(
    name: string,
    parent: Context,
    links: Link[],
    attributes: Record<string, string | number>,
    work: () => Promise<void>,
  ): Promise<void> {
    return context.with(parent, () =>
      tracer.startActiveSpan(
        name,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'process', ...attributes },
        },
        async (span) => {
          try {
            await work();
          } catch (error) {
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: describe(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
    );
  }

  /**
   * Writes messages to the dead-letter topic, with why and where they failed in the headers, in
   * one awaited send: if it cannot be written, the batch fails and the messages come again.
   */
  private async deadLetter(settings: ConsumerSettings, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    const written = letters.map(({ message, error, attempts }) => ({
      message,
      attempts,
      code: codeOf(error),
      reason: describe(error).slice(0, 2000),
    }));
    await this.publisher.publishRaw(
      Topic.DeadLetter,
      written.map(({ message, attempts, code, reason }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [Header.DeadLetterReason]: reason,
          [Header.DeadLetterErrorCode]: code,
          [Header.DeadLetterOriginTopic]: message.topic,
          [Header.DeadLetterOriginPartition]: String(message.partition),
          [Header.DeadLetterOriginOffset]: message.offset,
          [Header.DeadLetterConsumerGroup]: settings.groupId,
          [Header.DeadLetterService]: this.connection.clientId,
          [Header.DeadLetterAttempts]: String(attempts),
          [Header.DeadLetterFailedAt]: failedAt,
        },
      })),
    );
    const counts = this.deadLettered.get(settings.groupId) ?? new Map<string, number>();
    this.deadLettered.set(settings.groupId, counts);
    for (const { message, attempts, code, reason } of written) {
      const count = (counts.get(code) ?? 0) + 1;
      counts.set(code, count);
      this.metrics.deadLettered(settings.groupId, message.topic, message.partition, code);
      this.logger.error(
        `${settings.groupId}: ${message.topic}/${message.partition}@${message.offset} sent to ${Topic.DeadLetter} after ${attempts} attempt(s), ${code} #${count} of this group: ${reason}`,
      );
    }
  }

  /** Stops every consumer: the batch in flight finishes, offsets are committed, connections close. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await this.metrics.close();
    if (this.consumers.size === 0) return;
    const started = Date.now();
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.disconnect()));
    this.logger.log(
      `stopped ${this.consumers.size} consumer(s) in ${Date.now() - started} ms, offsets committed`,
    );
    this.consumers.clear();
  }

  /** Before the publisher and the database pool close, so in-flight work can still use them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stopAll();
  }
}

function toConsumed(
  topic: string,
  partition: number,
  message: KafkaMessage,
  attempt: number,
): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: headersToStrings(message.headers),
    timestamp: Number(message.timestamp),
    attempt,
  };
}

function codeOf(error: unknown): KafkaErrorCode {
  if (error instanceof PoisonMessageError) return error.code;
  return isDataException(error) ? KafkaErrorCode.DataRejected : KafkaErrorCode.HandlerFailed;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
