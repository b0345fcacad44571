import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Attributes, BatchObservableResult, Counter, Observable } from '@opentelemetry/api';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { Topic } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import {
  BackgroundJobs,
  DatabaseStatus,
  JobHandle,
  OutboxRow,
  SERVICE_DATABASE,
  ServiceDatabase,
  claimOutbox,
  deleteOutbox,
  lastOutboxId,
  outboxHoldsUpTo,
  quoteIdent,
} from '@tsuzuku/platform-database';
import { AttributeSets, serviceMeter } from '@tsuzuku/platform-telemetry';
import { EventPublisher } from './event-publisher';
import { backoffDelay } from './backoff';
import { describeError } from './wait-until-available';

const BATCH = 500;
const OUTBOX_CHANNEL = 'tsuzuku_outbox';
/** A scrape that finds the database slow reports no outbox figures rather than wait. */
const OUTBOX_STATS_TIMEOUT_MS = 2_000;

/**
 * Publishes what the service wrote to its outbox, in id order, and deletes it in the same
 * transaction: a row leaves the outbox only once Kafka acknowledged it. Each message carries the
 * time its row was written as its timestamp, so a reader can tell the write from the relay's delay. One relay per service
 * runs at a time (the `outbox-relay` lease, a background job once per cluster), one batch at a
 * time: a batch that fails is retried, with backoff, before anything after it is sent, so every
 * key keeps its order on every topic with any number of replicas. Woken by NOTIFY on a
 * connection of its own (LISTEN), which it opens again with backoff when it is lost, and polls
 * every OUTBOX_POLL_MS in case a notification was missed. Other features may listen on that
 * connection too (`onNotification`).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private job?: JobHandle;
  private stopped = false;
  // The LISTEN connection, from its opening on; replaced when it is lost.
  private listener?: Client;
  private listenFailures = 0;
  private listenTimer?: NodeJS.Timeout;
  // Why notifications are not being received, once the relay has started.
  private listenProblem?: string;
  private readonly handlers = new Map<string, ((payload: string | undefined) => void)[]>();
  private readonly published: Counter;
  private readonly publishedAttributes = new AttributeSets();
  private readonly gauges: Observable[];
  private readonly observeOutbox = (result: BatchObservableResult) => this.observe(result);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    @Optional() @Inject(SERVICE_DATABASE) private readonly database?: ServiceDatabase,
    @Optional() private readonly status?: DatabaseStatus,
    @Optional() private readonly jobs?: BackgroundJobs,
  ) {
    const meter = serviceMeter();
    this.published = meter.createCounter('tsuzuku.outbox.published.messages', {
      unit: '{message}',
      description: 'Outbox rows published to Kafka (and deleted), by topic',
    });
    this.gauges = [
      meter.createObservableGauge('tsuzuku.outbox.backlog', {
        unit: '{message}',
        description: 'Rows in the outbox not yet published to Kafka',
      }),
      meter.createObservableGauge('tsuzuku.outbox.oldest.age', {
        unit: 's',
        description: 'Age of the oldest row in the outbox (0 when it is empty)',
      }),
    ];
  }

  /** Why the relay's LISTEN connection is down; undefined while it listens (or has no outbox). */
  get pending(): string | undefined {
    return this.listenProblem && `outbox notifications: ${this.listenProblem}`;
  }

  private get schema(): string {
    if (!this.database) throw new Error('OutboxRelay needs the service database (DatabaseModule.forService)');
    return this.database.schema;
  }

  /**
   * Also listens on `channel` with the relay's LISTEN connection (services with an outbox only);
   * register before the application bootstraps.
   */
  onNotification(channel: string, handler: (payload: string | undefined) => void): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  onApplicationBootstrap(): void {
    if (!this.database?.outbox) return;
    if (!this.jobs) throw new Error('OutboxRelay needs the background jobs (DatabaseModule.forService)');
    serviceMeter().addBatchObservableCallback(this.observeOutbox, this.gauges);
    // The job starts once the database is connected (the runner waits for it).
    this.job = this.jobs.schedule({
      name: 'outbox-relay',
      everyMs: this.config.OUTBOX_POLL_MS,
      oncePerCluster: true,
      runAtStart: true,
      retry: { baseMs: this.config.OUTBOX_POLL_MS, capMs: 10_000 },
      run: (signal) => this.drain(signal),
    });
    this.listenProblem = 'waiting for the database at start-up';
    // Start-up goes on while the database is unreachable; the listener opens once it is connected.
    void (this.status?.whenStarted() ?? Promise.resolve()).then(() => {
      if (!this.stopped) void this.listen();
    });
  }

  /**
   * Publishes everything enqueued before the call; resolves when it is on Kafka (published here
   * when this replica holds the relay lease, else by the replica that does).
   */
  async flush(): Promise<void> {
    const last = await lastOutboxId(this.dataSource.manager, this.schema);
    if (last === null) return;
    for (;;) {
      if (this.job?.holdsLease) await this.job.runNow();
      if (!(await outboxHoldsUpTo(this.dataSource.manager, this.schema, last))) return;
      if (!this.job?.holdsLease) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Batch after batch while they come back full; stops between batches when asked to. */
  private async drain(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && (await this.publishBatch()) === BATCH) {
      // a full batch: there may be more
    }
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await claimOutbox(manager, this.schema, BATCH);
      if (rows.length === 0) return 0;
      // One send per topic, in outbox order within it; topics are independent streams.
      await Promise.all(
        [...byTopic(rows)].map(async ([topic, run]) => {
          await this.publisher.publishRaw(
            topic as Topic,
            run.map((r) => ({
              key: r.message_key,
              value: r.value,
              headers: r.headers,
              timestamp: r.written_at,
            })),
          );
          this.published.add(run.length, this.topicAttributes(topic));
        }),
      );
      await deleteOutbox(
        manager,
        this.schema,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  private topicAttributes(topic: string): Attributes {
    return this.publishedAttributes.of(topic, () => ({ 'messaging.destination.name': topic }));
  }

  /**
   * The outbox's backlog and the age of its oldest row, read when /metrics is scraped (one
   * query; the outbox is small unless publishing is stuck, which is what these figures show).
   * Every replica reports the same table: take the max over replicas, not the sum.
   */
  private async observe(result: BatchObservableResult): Promise<void> {
    if (!this.dataSource.isInitialized || this.stopped) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const [row] = (await Promise.race([
        this.dataSource.query(
          `SELECT count(*)::int AS backlog,
             COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age
           FROM ${quoteIdent(this.schema)}.outbox`,
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('outbox figures timed out')), OUTBOX_STATS_TIMEOUT_MS);
        }),
      ])) as { backlog: number; age: number }[];
      if (!row) return;
      result.observe(this.gauges[0]!, row.backlog);
      result.observe(this.gauges[1]!, Math.max(0, row.age));
    } catch {
      // The database is unreachable or slow: readiness says so; the scrape reports nothing stale.
    } finally {
      clearTimeout(timer);
    }
  }

  private wake(): void {
    if (this.job?.holdsLease) this.job.wake();
  }

  /** Opens the LISTEN connection; when it fails or is lost later, `listenLost` opens it again. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const options = this.dataSource.options as PostgresConnectionOptions;
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: `${options.applicationName ?? 'tsuzuku'}-listen`,
      connectionTimeoutMillis: 5_000,
    });
    this.listener = client;
    client.on('error', (error) => this.listenLost(client, error));
    client.on('notification', (n) => {
      if (n.channel !== OUTBOX_CHANNEL)
        for (const handle of this.handlers.get(n.channel) ?? []) handle(n.payload);
      else if (n.payload === this.schema) this.wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      this.listenLost(client, error);
      return;
    }
    if (this.stopped || this.listener !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.listenFailures > 0) this.logger.log(`outbox notifications of ${this.schema} received again`);
    this.listenFailures = 0;
    this.listenProblem = undefined;
    // Rows committed while nobody listened were not announced.
    this.wake();
  }

  /** The LISTEN connection failed or was lost: open a new one after a backoff. */
  private listenLost(client: Client, error: unknown): void {
    // Each connection is handled once: a failed connect reports both its rejection and 'error'.
    if (this.listener !== client) return;
    this.listener = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.listenFailures++;
    const delay = backoffDelay(this.listenFailures, 500, 10_000);
    this.listenProblem = `reconnecting after ${describeError(error)}`;
    this.logger.warn(
      `outbox notifications of ${this.schema} lost (${describeError(error)}); listening again in ${delay} ms, polling meanwhile`,
    );
    this.listenTimer = setTimeout(() => {
      this.listenTimer = undefined;
      void this.listen();
    }, delay);
    this.listenTimer.unref();
  }

  /** The runner stops the relay (the batch in flight finishes first); the listener goes with it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    serviceMeter().removeBatchObservableCallback(this.observeOutbox, this.gauges);
    clearTimeout(this.listenTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }
}

function byTopic(rows: readonly OutboxRow[]): Map<string, OutboxRow[]> {
  const topics = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const run = topics.get(row.topic);
    if (run) run.push(row);
    else topics.set(row.topic, [row]);
  }
  return topics;
}
