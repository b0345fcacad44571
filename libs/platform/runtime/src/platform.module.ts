import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule, ServiceConfig } from '@tsuzuku/platform-config';
import { LoggingModule } from '@tsuzuku/platform-logging';
import { KafkaModule, KafkaReadiness } from '@tsuzuku/platform-kafka';
import { DatabaseModule, ServiceDatabase } from '@tsuzuku/platform-database';
import { AuthModule } from '@tsuzuku/platform-auth';
import { stopTelemetry } from '@tsuzuku/platform-telemetry';
import { HealthController } from './health.controller';
import { OutboundModule } from './outbound/outbound.module';
import { ServerSpanInterceptor } from './server-span.interceptor';
import { DatabaseWatch } from './database-watch';
import { ClockModule } from './clock';

@Module({})
export class PlatformModule implements OnApplicationShutdown {
  /**
   * What every service stands on: config, logs, Kafka, its database schema, health probes,
   * outbound HTTP and the clock. `kafkaReadiness` says what Kafka means for its readiness.
   */
  static forService(
    service: string,
    config: ServiceConfig,
    database: ServiceDatabase,
    { kafkaReadiness = 'consuming' }: { kafkaReadiness?: KafkaReadiness } = {},
  ): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(service),
        KafkaModule.forRoot(service, kafkaReadiness),
        DatabaseModule.forService(service, database),
        AuthModule,
        OutboundModule,
        ClockModule,
        TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: ServerSpanInterceptor }, DatabaseWatch],
    };
  }

  /** Last: flush the spans of everything that shut down before. */
  async onApplicationShutdown(): Promise<void> {
    await stopTelemetry();
  }
}
