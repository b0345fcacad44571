import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ITopicConfig } from 'kafkajs';
import { TOPIC_DECLARATIONS, TopicDeclaration } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { KafkaConnection } from './kafka-connection';
import { WaitAbandonedError, waitUntilAvailable } from './wait-until-available';

export function topicConfig(declaration: TopicDeclaration, replicationFactor: number): ITopicConfig {
  return {
    topic: declaration.topic,
    numPartitions: declaration.partitions,
    replicationFactor,
    configEntries: [
      { name: 'cleanup.policy', value: declaration.cleanupPolicy },
      { name: 'retention.ms', value: String(declaration.retentionMs) },
      ...(replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: '2' }] : []),
    ],
  };
}

/**
 * At start-up, waits until Kafka answers and creates the topics declared in contracts that the
 * cluster does not have yet (or, when KAFKA_PROVISION_TOPICS is off, only waits until it answers).
 * It waits in the background, logging what it waits for; consumers start once it is done.
 */
@Injectable()
export class TopicProvisioner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TopicProvisioner.name);
  private stopped = false;
  private isDone = false;
  private problem = 'not reached yet';
  private markDone!: () => void;
  private readonly done = new Promise<void>((resolve) => (this.markDone = resolve));

  constructor(
    private readonly connection: KafkaConnection,
    private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    void waitUntilAvailable<unknown>(
      () => (this.config.KAFKA_PROVISION_TOPICS ? this.provision() : this.reach()),
      {
        what: this.connection.target,
        logger: this.logger,
        stopped: () => this.stopped,
        onFailure: (reason) => (this.problem = reason),
      },
    ).then(
      () => {
        this.isDone = true;
        this.markDone();
      },
      (error: unknown) => {
        if (!(error instanceof WaitAbandonedError)) this.logger.error(`start-up stopped: ${String(error)}`);
      },
    );
  }

  /** Resolves once Kafka answered at start-up and the declared topics exist. */
  whenDone(): Promise<void> {
    return this.done;
  }

  /** Why start-up has not reached Kafka yet; undefined once it has. */
  get pending(): string | undefined {
    return this.isDone ? undefined : `waiting for ${this.connection.target}: ${this.problem}`;
  }

  async provision(declarations: readonly TopicDeclaration[] = TOPIC_DECLARATIONS): Promise<string[]> {
    const admin = this.connection.startupClient().admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = declarations.filter((d) => !existing.has(d.topic));
      if (missing.length === 0) return [];
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((d) => topicConfig(d, this.config.KAFKA_REPLICATION_FACTOR)),
        });
      } catch (error) {
        // Another service may have created them at the same moment.
        if (!/already exists/i.test(String((error as Error).message))) throw error;
      }
      this.logger.log(`created topics ${missing.map((d) => d.topic).join(', ')}`);
      return missing.map((d) => d.topic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async reach(): Promise<void> {
    const admin = this.connection.startupClient().admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
  }
}
