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
  BackgroundJobs,
  JobHandle,
  OutboxRow,
  SERVICE_DATABASE,
  ServiceDatabase,
  claimOutbox,
  deleteOutbox,
  lastOutboxId,
  outboxHoldsUpTo,
} from '@tsuzuku/platform-database';
import { EventPublisher } from './event-publisher';

const BATCH = 500;

/**
 * Publishes what the service wrote to its outbox, in id order, and deletes it in the same
 * transaction: a row leaves the outbox only once Kafka acknowledged it. One relay per service
 * runs at a time (the `outbox-relay` lease, a background job once per cluster), one batch at a
 * time: a batch that fails is retried, with backoff, before anything after it is sent, so every
 * key keeps its order on every topic with any number of replicas. Woken by NOTIFY, and polls
 * every OUTBOX_POLL_MS in case a notification was missed.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private job?: JobHandle;
  private listener?: { release: () => void };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    @Optional() @Inject(SERVICE_DATABASE) private readonly database?: ServiceDatabase,
    @Optional() private readonly jobs?: BackgroundJobs,
  ) {}

  private get schema(): string {
    if (!this.database) throw new Error('OutboxRelay needs the service database (DatabaseModule.forService)');
    return this.database.schema;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.database?.outbox) return;
    if (!this.jobs) throw new Error('OutboxRelay needs the background jobs (DatabaseModule.forService)');
    await this.listen();
    this.job = this.jobs.schedule({
      name: 'outbox-relay',
      everyMs: this.config.OUTBOX_POLL_MS,
      oncePerCluster: true,
      runAtStart: true,
      retry: { baseMs: this.config.OUTBOX_POLL_MS, capMs: 10_000 },
      run: (signal) => this.drain(signal),
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
        on(event: 'notification', cb: (n: { payload?: string }) => void): void;
        release: () => void;
      };
      client.on('notification', (n) => {
        if (n.payload === this.schema && this.job?.holdsLease) this.job.wake();
      });
      await client.query('LISTEN tsuzuku_outbox');
      this.listener = client;
    } catch (error) {
      this.logger.warn(`outbox notifications unavailable, polling only: ${(error as Error).message}`);
    }
  }

  /** The runner stops the relay (the batch in flight finishes first); the listener goes with it. */
  beforeApplicationShutdown(): void {
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
