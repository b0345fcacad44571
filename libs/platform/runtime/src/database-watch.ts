import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { WaitAbandonedError, backoffDelay, describeError, waitUntilAvailable } from '@tsuzuku/platform-kafka';

/**
 * Connects the service's database at start-up, waiting (not ready, a log line every few seconds)
 * while Postgres is unreachable or another instance holds the migration lock; and after a lost
 * connection, waits a backoff and checks again until Postgres answers. Consumers and the outbox
 * relay start once the first connection succeeded.
 */
@Injectable()
export class DatabaseWatch implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Database');
  private stopped = false;
  private recovering = false;
  private offLost?: () => void;

  constructor(private readonly status: DatabaseStatus) {}

  onApplicationBootstrap(): void {
    this.offLost = this.status.onLost(() => this.recover());
    void this.untilAvailable(async () => {
      const applied = await this.status.connect();
      if (applied.length > 0)
        this.logger.log(`applied migrations to schema ${this.status.database.schema}: ${applied.join(', ')}`);
    });
  }

  /** Not at once: a server that just dropped its connections is often restarting or failing over. */
  private recover(): void {
    if (this.recovering || this.stopped) return;
    this.recovering = true;
    const pause = backoffDelay(1, 500);
    setTimeout(() => {
      void this.untilAvailable(() => this.status.verify()).finally(() => (this.recovering = false));
    }, pause).unref();
  }

  private async untilAvailable(attempt: () => Promise<void>): Promise<void> {
    try {
      await waitUntilAvailable(attempt, {
        what: this.status.target,
        logger: this.logger,
        stopped: () => this.stopped,
      });
    } catch (error) {
      if (!(error instanceof WaitAbandonedError))
        this.logger.error(`database wait ended: ${describeError(error)}`);
    }
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.offLost?.();
  }
}
