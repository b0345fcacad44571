import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { Topic } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import {
  DatabaseStatus,
  OutboxRow,
  SERVICE_DATABASE,
  ServiceDatabase,
  claimOutbox,
  deleteOutbox,
} from '@tsuzuku/platform-database';
import { EventPublisher } from './event-publisher';
import { backoffDelay } from './backoff';
import { describeError } from './wait-until-available';

const BATCH = 500;

/**
 * Publishes what the service wrote to its outbox, in order, and deletes it in the same
 * transaction: a row leaves the outbox only once Kafka acknowledged it. Woken by NOTIFY on a
 * connection of its own (LISTEN), which it opens again with backoff when it is lost, and polls
 * every OUTBOX_POLL_MS in case a notification was missed.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private failures = 0;
  // The LISTEN connection, from its opening on; replaced when it is lost.
  private listener?: Client;
  private listenFailures = 0;
  private listenTimer?: NodeJS.Timeout;
  // Why notifications are not being received, once the relay has started.
  private listenProblem?: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    @Optional() @Inject(SERVICE_DATABASE) private readonly database?: ServiceDatabase,
    @Optional() private readonly status?: DatabaseStatus,
  ) {}

  /** Why the relay's LISTEN connection is down; undefined while it listens (or has no outbox). */
  get pending(): string | undefined {
    return this.listenProblem && `outbox notifications: ${this.listenProblem}`;
  }

  private get schema(): string {
    if (!this.database) throw new Error('OutboxRelay needs the service database (DatabaseModule.forService)');
    return this.database.schema;
  }

  onApplicationBootstrap(): void {
    if (!this.database?.outbox) return;
    this.listenProblem = 'waiting for the database at start-up';
    // Start-up goes on while the database is unreachable; the relay starts once it is connected.
    void (this.status?.whenStarted() ?? Promise.resolve()).then(() => {
      if (this.stopped) return;
      void this.listen();
      this.schedule(0);
    });
  }

  /** Publishes everything enqueued before the call; resolves when it is on Kafka. */
  async flush(): Promise<void> {
    for (;;) {
      await this.drain();
      const [{ count }] = (await this.dataSource.query(
        `SELECT count(*)::int AS count FROM "${this.schema}".outbox`,
      )) as [{ count: number }];
      if (count === 0) return;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain().catch(() => undefined), delayMs);
  }

  /** One drain at a time; a call during a drain makes it run once more. */
  private drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.publishBatch()) === BATCH) {
            // a full batch: there may be more
          }
        } while (this.again);
        this.failures = 0;
        this.schedule(this.config.OUTBOX_POLL_MS);
      } catch (error) {
        this.failures++;
        this.logger.warn(
          `outbox of ${this.schema} not published (attempt ${this.failures}): ${(error as Error).message}`,
        );
        this.schedule(backoffDelay(this.failures, this.config.OUTBOX_POLL_MS, 10_000));
        throw error;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await claimOutbox(manager, this.schema, BATCH);
      if (rows.length === 0) return 0;
      // One send per topic, in outbox order within it; topics are independent streams.
      await Promise.all(
        [...byTopic(rows)].map(([topic, run]) =>
          this.publisher.publishRaw(
            topic as Topic,
            run.map((r) => ({ key: r.message_key, value: r.value, headers: r.headers })),
          ),
        ),
      );
      await deleteOutbox(
        manager,
        this.schema,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
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
      if (n.payload === this.schema) void this.drain().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query('LISTEN tsuzuku_outbox');
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
    this.schedule(0);
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

  /** Before the database pool and the producer close: the batch in flight finishes first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.listenTimer);
    await this.running?.catch(() => undefined);
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
