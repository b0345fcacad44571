import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Topic } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import {
  OutboxRow,
  SERVICE_DATABASE,
  ServiceDatabase,
  claimOutbox,
  deleteOutbox,
  quoteIdent,
} from '@tsuzuku/platform-database';
import { EventPublisher } from './event-publisher';
import { backoffDelay } from './backoff';

const BATCH = 500;

/**
 * Publishes what the service wrote to its outbox, in order, and deletes it in the same
 * transaction: a row leaves the outbox only once Kafka acknowledged it. Woken by NOTIFY, and
 * polls every OUTBOX_POLL_MS in case a notification was missed.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private failures = 0;
  private listener?: { release: () => void };
  private readonly handlers = new Map<string, ((payload: string | undefined) => void)[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    @Optional() @Inject(SERVICE_DATABASE) private readonly database?: ServiceDatabase,
  ) {}

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

  async onApplicationBootstrap(): Promise<void> {
    if (!this.database?.outbox) return;
    await this.listen();
    this.schedule(0);
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

  private async listen(): Promise<void> {
    try {
      const driver = this.dataSource.driver as unknown as { master: { connect(): Promise<unknown> } };
      const client = (await driver.master.connect()) as {
        query(sql: string): Promise<unknown>;
        on(event: 'notification', cb: (n: { channel: string; payload?: string }) => void): void;
        release: () => void;
      };
      client.on('notification', (n) => {
        if (n.channel !== 'tsuzuku_outbox')
          for (const handle of this.handlers.get(n.channel) ?? []) handle(n.payload);
        else if (n.payload === this.schema) void this.drain().catch(() => undefined);
      });
      await client.query('LISTEN tsuzuku_outbox');
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`outbox notifications unavailable, polling only: ${(error as Error).message}`);
    }
  }

  /** Before the database pool and the producer close: the batch in flight finishes first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    this.listener?.release();
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
