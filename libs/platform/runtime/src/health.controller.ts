import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@tsuzuku/platform-kafka';
import { CredentialsHealthIndicator } from '@tsuzuku/platform-auth';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly database: TypeOrmHealthIndicator,
    private readonly credentials: CredentialsHealthIndicator,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready only when Kafka and the database answer and the credentials are loaded. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Kafka and Postgres answer' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.kafka.check('kafka'),
      () => this.database.pingCheck('database', { timeout: 1500 }),
      () => this.credentials.check('credentials'),
    ]);
  }
}
