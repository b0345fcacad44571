import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { KafkaConnection } from './kafka-connection';
import { EventPublisher } from './event-publisher';
import { ConsumerRunner } from './consumer-runner';
import { TopicProvisioner } from './topic-provisioner';
import { KAFKA_READINESS, KafkaHealthIndicator, KafkaReadiness } from './kafka.health';
import { OutboxRelay } from './outbox-relay';

@Global()
@Module({})
export class KafkaModule {
  /** The Kafka client of one service, its publisher, its consumers and its health check. */
  static forRoot(clientId: string, readiness: KafkaReadiness = 'consuming'): DynamicModule {
    return {
      module: KafkaModule,
      imports: [TerminusModule],
      providers: [
        {
          provide: KafkaConnection,
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => new KafkaConnection(config, clientId),
        },
        { provide: KAFKA_READINESS, useValue: readiness },
        EventPublisher,
        ConsumerRunner,
        TopicProvisioner,
        KafkaHealthIndicator,
        OutboxRelay,
      ],
      exports: [
        KafkaConnection,
        EventPublisher,
        ConsumerRunner,
        TopicProvisioner,
        KafkaHealthIndicator,
        OutboxRelay,
      ],
    };
  }
}
