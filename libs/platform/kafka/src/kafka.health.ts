import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';
import { ConsumerRunner } from './consumer-runner';

/**
 * What Kafka means for a service's readiness:
 * - `consuming` (the default, services whose work comes from topics): ready while every consumer
 *   group is joined and fetching;
 * - `started` (ingestion): ready once start-up reached Kafka; an outage later leaves it ready, as
 *   it answers 503 with Retry-After itself, and is only reported in the details.
 */
export type KafkaReadiness = 'consuming' | 'started';

export const KAFKA_READINESS = Symbol('KAFKA_READINESS');

/**
 * Kafka's part of readiness. Never ready before start-up reached Kafka (topics provisioned, every
 * consumer started). Then, as the service's KafkaReadiness says: its consumers joined and fetching,
 * or nothing more. The details carry the dead letters written since start, by consumer group and
 * error code, and (for `started`) whether a broker answers now.
 */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly health: HealthIndicatorService,
    private readonly provisioner: TopicProvisioner,
    private readonly consumers: ConsumerRunner,
    private readonly config: ServiceConfig,
    @Optional() @Inject(KAFKA_READINESS) private readonly readiness: KafkaReadiness = 'consuming',
  ) {}

  async check(key = 'kafka'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const deadLettered = this.consumers.deadLetterCounts();
    const startup = this.provisioner.pending;
    if (startup) return indicator.down({ message: startup });
    if (this.readiness === 'started') {
      const outage = await this.brokerProblem();
      return indicator.up(outage ? { deadLettered, outage } : { deadLettered });
    }
    const idle = this.consumers.notConsuming(this.config.CONSUMER_READY_IDLE_MS);
    if (idle) return indicator.down({ message: idle });
    return indicator.up({ deadLettered });
  }

  /** Why no broker answers a metadata request now; undefined when one does. */
  private async brokerProblem(): Promise<string | undefined> {
    const admin = this.connection.probeClient().admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
