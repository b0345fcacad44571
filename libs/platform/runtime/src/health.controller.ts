import { BeforeApplicationShutdown, Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { ConsumerRunner, KafkaHealthIndicator, OutboxRelay } from '@tsuzuku/platform-kafka';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { CredentialsHealthIndicator } from '@tsuzuku/platform-auth';

const DATABASE_PING_MS = 1500;

@ApiTags('health')
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  // From SIGTERM on, readiness fails at once: the endpoints drop the pod while it drains.
  private draining = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly database: DatabaseStatus,
    private readonly outbox: OutboxRelay,
    private readonly credentials: CredentialsHealthIndicator,
    private readonly consumers: ConsumerRunner,
  ) {}

  /**
   * The process is up and serving HTTP: true while it waits for Kafka or Postgres too (a crashed
   * consumer is started again by ConsumerRunner). False only when a consumer gave up for good,
   * which only a restart of the process can mend.
   */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers and no consumer gave up' })
  live(): { status: 'ok' } {
    const failure = this.consumers.failure;
    if (failure) throw new ServiceUnavailableException({ status: 'error', message: failure });
    return { status: 'ok' };
  }

  /**
   * Ready only when start-up is done (database connected and migrated, topics there, consumers
   * started, credentials loaded), the database answers and no connection is being re-established,
   * and (consuming services) every consumer group is joined and fetching. Ingestion stays ready
   * through a Kafka outage: it answers 503 with Retry-After itself (KafkaReadiness).
   */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: start-up done, Postgres answers, consumers joined and fetching' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.checkDraining('shutdown'),
      () => this.kafka.check('kafka'),
      () => this.checkDatabase('database'),
      () => this.credentials.check('credentials'),
    ]);
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  private checkDraining(key: string): HealthIndicatorResult {
    const indicator = this.indicators.check(key);
    return this.draining ? indicator.down({ message: 'shutting down: draining' }) : indicator.up();
  }

  private async checkDatabase(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    const pending = this.database.reason ?? this.outbox.pending;
    if (pending) return indicator.down({ message: pending });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.verify(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${DATABASE_PING_MS} ms`)),
            DATABASE_PING_MS,
          );
        }),
      ]);
      return indicator.up();
    } catch (error) {
      // Tells the watch, which logs and reconnects with backoff.
      this.database.lost(error as Error);
      return indicator.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
