import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ITopicConfig } from 'kafkajs';
import { TOPIC_DECLARATIONS, TopicDeclaration } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { KafkaConnection } from './kafka-connection';

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

/** Creates, at boot, the topics declared in contracts that the cluster does not have yet. */
@Injectable()
export class TopicProvisioner implements OnModuleInit {
  private readonly logger = new Logger(TopicProvisioner.name);

  constructor(
    private readonly connection: KafkaConnection,
    private readonly config: ServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.KAFKA_PROVISION_TOPICS) await this.provision();
  }

  async provision(declarations: readonly TopicDeclaration[] = TOPIC_DECLARATIONS): Promise<string[]> {
    const admin = this.connection.kafka.admin();
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
      await admin.disconnect();
    }
  }
}
