import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';
import { ConsumerRunner } from './consumer-runner';

/**
 * Ready only once start-up reached Kafka (topics provisioned, every consumer started) and a broker
 * answers a metadata request within the probe's timeout. The details also carry the dead letters
 * written since start, by consumer group and error code.
 */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly health: HealthIndicatorService,
    private readonly provisioner: TopicProvisioner,
    private readonly consumers: ConsumerRunner,
  ) {}

  async check(key = 'kafka'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const pending = this.provisioner.pending ?? this.consumers.pending;
    if (pending) return indicator.down({ message: pending });
    const admin = this.connection.probeClient().admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return indicator.up({
        brokers: cluster.brokers.length,
        deadLettered: this.consumers.deadLetterCounts(),
      });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
