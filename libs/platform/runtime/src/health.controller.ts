import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { KafkaHealthIndicator, OutboxRelay } from '@tsuzuku/platform-kafka';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { CredentialsHealthIndicator } from '@tsuzuku/platform-auth';

const DATABASE_PING_MS = 1500;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly database: DatabaseStatus,
    private readonly outbox: OutboxRelay,
    private readonly credentials: CredentialsHealthIndicator,
  ) {}

  /** The process is up and serving HTTP: true while it waits for Kafka or Postgres too. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready only when start-up is done (database connected and migrated, topics there, consumers
   * started, credentials loaded), Kafka and the database answer, and no connection is being
   * re-established.
   */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Kafka and Postgres answer, start-up done' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.kafka.check('kafka'),
      () => this.checkDatabase('database'),
      () => this.credentials.check('credentials'),
    ]);
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
