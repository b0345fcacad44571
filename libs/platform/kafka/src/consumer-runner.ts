import { BeforeApplicationShutdown, Injectable, Logger, Optional } from '@nestjs/common';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { Header, Topic, parseEnvelope } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { DatabaseStatus, isDatabaseUnavailable } from '@tsuzuku/platform-database';
import { KafkaConnection } from './kafka-connection';
import { AnyEnvelope, EventPublisher } from './event-publisher';
import { ContractViolationError, KafkaErrorCode, PoisonMessageError } from './errors';
import { extractTraceContext, headersToStrings } from './trace-context';
import { backoffDelay } from './backoff';
import { ConsumedMessage } from './consumed-message';
import { TopicProvisioner } from './topic-provisioner';
import { WaitAbandonedError, describeError, waitUntilAvailable } from './wait-until-available';

export interface ConsumerOptions {
  /** Consumer group; by convention `<service>.<feature>`. */
  readonly groupId: string;
  readonly topics: readonly Topic[];
  readonly handle: (message: ConsumedMessage) => Promise<void>;
  /**
   * Handles a run of messages at once (in order, at most `batchSize`). When it throws, the run
   * is handled again message by message through `handle`, with the usual retries and dead
   * letters, so one poison message costs a slower run and never stops the partition.
   */
  readonly handleBatch?: (messages: readonly ConsumedMessage[]) => Promise<void>;
  readonly batchSize?: number;
  /** Bytes one fetch may bring per partition (kafkajs default 1 MiB); larger runs amortise per-run work. */
  readonly maxBytesPerPartition?: number;
  /** Partitions handled at once (kafkajs default 1): overlaps one partition's database round trips with another's work. */
  readonly partitionsConsumedConcurrently?: number;
  /** Read a new group's topics from the beginning (default) or only new messages. */
  readonly fromBeginning?: boolean;
  readonly maxAttempts?: number;
  readonly retryBaseMs?: number;
}

export type EnvelopeHandler = (envelope: AnyEnvelope, message: ConsumedMessage) => Promise<void>;

const tracer = trace.getTracer('tsuzuku-kafka');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs Kafka consumers the same way everywhere: batches, per-message retries with backoff, a
 * dead-letter topic for what still fails (reason and origin in headers) so the partition keeps
 * moving, trace context continued from the headers, and an orderly stop at shutdown.
 */
@Injectable()
export class ConsumerRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerRunner.name);
  private readonly consumers = new Map<string, Consumer>();
  private readonly joined = new Map<string, Promise<void>>();
  private readonly markJoined = new Map<string, () => void>();
  // Why each started group is not consuming now (absent once it runs).
  private readonly notRunning = new Map<string, string>();
  // Crashes of each group since it last joined: the restart backs off.
  private readonly crashes = new Map<string, number>();
  private stopping = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    private readonly provisioner: TopicProvisioner,
    @Optional() private readonly database?: DatabaseStatus,
  ) {}

  /**
   * Starts a consumer of raw messages in the background: once Kafka answered and the database
   * is connected, it connects (waiting, with a log line, while Kafka is unreachable), then goes
   * on joining its group. A consumer that crashes is started again.
   */
  async start(options: ConsumerOptions): Promise<void> {
    if (this.joined.has(options.groupId))
      throw new Error(`consumer group ${options.groupId} is already running`);
    this.notRunning.set(options.groupId, 'waiting for Kafka and the database at start-up');
    this.joined.set(
      options.groupId,
      new Promise<void>((resolve) => this.markJoined.set(options.groupId, resolve)),
    );
    void this.keepRunning(options);
  }

  /** Why some consumer is not consuming now; undefined when all run. */
  get pending(): string | undefined {
    const [first] = this.notRunning;
    return first ? `consumer group ${first[0]}: ${first[1]}` : undefined;
  }

  private async keepRunning(options: ConsumerOptions): Promise<void> {
    try {
      await this.provisioner.whenDone();
      await this.database?.whenStarted();
      await waitUntilAvailable(() => this.connectAndRun(options), {
        what: this.connection.target,
        logger: this.logger,
        stopped: () => this.stopping,
        onFailure: (reason) => this.notRunning.set(options.groupId, reason),
      });
      this.notRunning.delete(options.groupId);
    } catch (error) {
      if (!(error instanceof WaitAbandonedError))
        this.logger.error(`${options.groupId}: consumer not started: ${describeError(error)}`);
    }
  }

  private async connectAndRun(options: ConsumerOptions): Promise<void> {
    if (this.stopping) throw new WaitAbandonedError('stopping');
    const consumer = this.connection.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 15_000,
      heartbeatInterval: 3_000,
      // Short fetch waits keep shutdown quick: stopping waits for the fetch in flight.
      maxWaitTimeInMs: 1_000,
      allowAutoTopicCreation: false,
      ...(options.maxBytesPerPartition
        ? { maxBytesPerPartition: options.maxBytesPerPartition, maxBytes: options.maxBytesPerPartition * 4 }
        : {}),
    });
    this.consumers.set(options.groupId, consumer);
    let logJoin = true;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.notRunning.delete(options.groupId);
      this.crashes.delete(options.groupId);
      if (logJoin)
        this.logger.log(`consumer ${options.groupId} joined, reading ${options.topics.join(', ')}`);
      logJoin = false;
      this.markJoined.get(options.groupId)?.();
    });
    // kafkajs restarts a consumer after a retriable crash; after any other it stays down.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      this.notRunning.set(options.groupId, `crashed: ${describeError(payload.error)}`);
      if (payload.restart) return;
      const crashes = (this.crashes.get(options.groupId) ?? 0) + 1;
      this.crashes.set(options.groupId, crashes);
      const delay = backoffDelay(crashes, 1_000);
      this.logger.error(
        `${options.groupId}: consumer crashed, starting it again in ${delay} ms: ${describeError(payload.error)}`,
      );
      this.consumers.delete(options.groupId);
      setTimeout(() => void this.keepRunning(options), delay).unref();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.processBatch(options, payload),
      });
    } catch (error) {
      this.consumers.delete(options.groupId);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
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

  /** Starts a consumer of event envelopes: each is checked against its contract before the handler sees it. */
  async startForEvents(
    options: Omit<ConsumerOptions, 'handle'> & { handle: EnvelopeHandler },
  ): Promise<void> {
    await this.start({
      ...options,
      handle: async (message) => {
        const parsed = parseEnvelope(message.value);
        if (!parsed.ok)
          throw new ContractViolationError(
            parsed.violations,
            `message ${message.topic}/${message.partition}@${message.offset}`,
          );
        await options.handle(parsed.envelope, message);
      },
    });
  }

  /**
   * Starts a consumer of event envelopes that handles them a run at a time. Messages that break
   * their contract go to the dead-letter topic; the rest reach `handleBatch` in order.
   */
  async startBatchForEvents(
    options: Omit<ConsumerOptions, 'handle' | 'handleBatch'> & {
      handleBatch: (events: readonly { envelope: AnyEnvelope; message: ConsumedMessage }[]) => Promise<void>;
    },
  ): Promise<void> {
    const parse = (message: ConsumedMessage) => {
      const parsed = parseEnvelope(message.value);
      if (!parsed.ok)
        throw new ContractViolationError(
          parsed.violations,
          `message ${message.topic}/${message.partition}@${message.offset}`,
        );
      return { envelope: parsed.envelope, message };
    };
    await this.start({
      ...options,
      handle: (message) => options.handleBatch([parse(message)]),
      handleBatch: async (messages) => {
        // A message that breaks its contract makes the run fail; the one-by-one pass then
        // sends it to the dead-letter topic and handles the others.
        await options.handleBatch(messages.map(parse));
      },
    });
  }

  private async processBatch(options: ConsumerOptions, payload: EachBatchPayload): Promise<void> {
    if (options.handleBatch) return this.processRuns(options, payload);
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const done = await this.processMessage(options, batch.topic, batch.partition, message, payload);
      if (!done) return;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private async processRuns(options: ConsumerOptions, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const size = options.batchSize ?? 500;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!isRunning() || isStale()) return;
      const run = batch.messages.slice(start, start + size);
      const consumed = run.map((message) => toConsumed(batch.topic, batch.partition, message, 1));
      let handled = false;
      try {
        await this.inSpan(options, consumed[0]!, `${batch.topic} process ${run.length}`, () =>
          options.handleBatch!(consumed),
        );
        handled = true;
      } catch (error) {
        this.logger.warn(
          `${options.groupId}: a run of ${run.length} from ${batch.topic}/${batch.partition}@${run[0]!.offset} failed, handling it one by one: ${describe(error)}`,
        );
      }
      if (handled) {
        resolveOffset(run[run.length - 1]!.offset);
      } else {
        for (const message of run) {
          if (!isRunning() || isStale()) return;
          const done = await this.processMessage(options, batch.topic, batch.partition, message, payload);
          if (!done) return;
          resolveOffset(message.offset);
          await heartbeat();
        }
      }
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** Handles one message with retries; false when the consumer is stopping and it was left for redelivery. */
  private async processMessage(
    options: ConsumerOptions,
    topic: string,
    partition: number,
    message: KafkaMessage,
    { heartbeat, isRunning, isStale }: EachBatchPayload,
  ): Promise<boolean> {
    const maxAttempts = options.maxAttempts ?? this.config.CONSUMER_MAX_ATTEMPTS;
    const baseMs = options.retryBaseMs ?? this.config.CONSUMER_RETRY_BASE_MS;
    const headers = headersToStrings(message.headers);
    for (let attempt = 1; ; attempt++) {
      const consumed = toConsumed(topic, partition, message, attempt, headers);
      try {
        await this.handleInSpan(options, consumed);
        return true;
      } catch (error) {
        const poison = error instanceof PoisonMessageError;
        // A database that is down is no fault of the message: it waits, it is not dead-lettered.
        if (poison || (attempt >= maxAttempts && !isDatabaseUnavailable(error))) {
          await this.deadLetter(options, consumed, error, attempt);
          return true;
        }
        this.logger.warn(
          `${options.groupId}: ${topic}/${partition}@${message.offset} failed (attempt ${attempt}/${maxAttempts}): ${describe(error)}`,
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

  private handleInSpan(options: ConsumerOptions, message: ConsumedMessage): Promise<void> {
    return this.inSpan(options, message, `${message.topic} process`, () => options.handle(message));
  }

  /** Runs work in a consumer span that continues the trace of `message`. */
  private inSpan(
    options: ConsumerOptions,
    message: ConsumedMessage,
    name: string,
    work: () => Promise<void>,
  ): Promise<void> {
    const parent = extractTraceContext(message.headers);
    return context.with(parent, () =>
      tracer.startActiveSpan(
        name,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': message.topic,
            'messaging.kafka.consumer.group': options.groupId,
            'messaging.kafka.destination.partition': message.partition,
            'messaging.kafka.message.offset': message.offset,
          },
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

  private async deadLetter(
    options: ConsumerOptions,
    message: ConsumedMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const code = error instanceof PoisonMessageError ? error.code : KafkaErrorCode.HandlerFailed;
    const reason = describe(error).slice(0, 2000);
    this.logger.error(
      `${options.groupId}: ${message.topic}/${message.partition}@${message.offset} sent to ${Topic.DeadLetter} after ${attempts} attempt(s): ${reason}`,
    );
    // Awaited: if the dead letter cannot be written, the batch fails and the message is retried.
    await this.publisher.publishRaw(Topic.DeadLetter, [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [Header.DeadLetterReason]: reason,
          [Header.DeadLetterErrorCode]: code,
          [Header.DeadLetterOriginTopic]: message.topic,
          [Header.DeadLetterOriginPartition]: String(message.partition),
          [Header.DeadLetterOriginOffset]: message.offset,
          [Header.DeadLetterConsumerGroup]: options.groupId,
          [Header.DeadLetterService]: this.connection.clientId,
          [Header.DeadLetterAttempts]: String(attempts),
          [Header.DeadLetterFailedAt]: new Date().toISOString(),
        },
      },
    ]);
  }

  /** Stops every consumer: the batch in flight finishes, offsets are committed, connections close. */
  async stopAll(): Promise<void> {
    this.stopping = true;
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
  headers: Record<string, string> = headersToStrings(message.headers),
): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers,
    timestamp: Number(message.timestamp),
    attempt,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
