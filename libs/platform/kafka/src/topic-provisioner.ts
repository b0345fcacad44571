import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Admin, ConfigResourceTypes, ConfigSource, IResourceConfig, ITopicConfig } from 'kafkajs';
import { TOPIC_DECLARATIONS, TopicDeclaration } from '@tsuzuku/contracts';
import { ConfigError, ServiceConfig } from '@tsuzuku/platform-config';
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

/** `topic=value` pairs of a KAFKA_TOPIC_* variable, by topic; a topic Tsuzuku does not declare is refused. */
function overrides(
  variable: string,
  pairs: readonly string[],
  declarations: readonly TopicDeclaration[],
): Map<string, number> {
  const byTopic = new Map<string, number>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const topic = pair.slice(0, at);
    if (!declarations.some((d) => d.topic === topic))
      throw new ConfigError(
        `invalid configuration: ${variable} names ${topic}, which is not a Tsuzuku topic (${declarations.map((d) => d.topic).join(', ')})`,
      );
    byTopic.set(topic, Number(pair.slice(at + 1)));
  }
  return byTopic;
}

/**
 * The declared topics with the partition counts (KAFKA_TOPIC_PARTITIONS) and retentions
 * (KAFKA_TOPIC_RETENTION_MS) the configuration gives instead.
 */
export function configuredTopics(
  config: Pick<ServiceConfig, 'KAFKA_TOPIC_PARTITIONS' | 'KAFKA_TOPIC_RETENTION_MS'>,
  declarations: readonly TopicDeclaration[] = TOPIC_DECLARATIONS,
): TopicDeclaration[] {
  const partitions = overrides('KAFKA_TOPIC_PARTITIONS', config.KAFKA_TOPIC_PARTITIONS, declarations);
  const retention = overrides('KAFKA_TOPIC_RETENTION_MS', config.KAFKA_TOPIC_RETENTION_MS, declarations);
  return declarations.map((d) => ({
    ...d,
    partitions: partitions.get(d.topic) ?? d.partitions,
    retentionMs: retention.get(d.topic) ?? d.retentionMs,
  }));
}

/** What reconciling one existing topic changed. */
export interface TopicChange {
  readonly topic: string;
  /** Partition count before and after; absent when unchanged. */
  readonly partitions?: { readonly from: number; readonly to: number };
  /** Configuration entries set, with the value each had. */
  readonly configs: readonly { readonly name: string; readonly from: string | null; readonly to: string }[];
}

/** What provisioning did: topics created, and existing ones brought to their declaration. */
export interface ProvisionResult {
  readonly created: readonly string[];
  readonly changed: readonly TopicChange[];
}

/**
 * At start-up, waits until Kafka answers, creates the topics declared in contracts that the
 * cluster does not have yet, and brings existing ones to their declaration: configuration
 * (cleanup policy, retention, min in-sync replicas) altered, partitions added up to the count
 * (never removed: Kafka cannot, and keys would move). When KAFKA_PROVISION_TOPICS is off it only
 * waits until Kafka answers. It waits in the background, logging what it waits for; consumers
 * start once it is done.
 */
@Injectable()
export class TopicProvisioner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TopicProvisioner.name);
  private stopped = false;
  private isDone = false;
  private problem = 'not reached yet';
  private markDone!: () => void;
  private readonly done = new Promise<void>((resolve) => (this.markDone = resolve));
  // Checked when the service is created: a variable naming an unknown topic stops the boot.
  private readonly declarations: readonly TopicDeclaration[];

  constructor(
    private readonly connection: KafkaConnection,
    private readonly config: ServiceConfig,
  ) {
    this.declarations = configuredTopics(config);
  }

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

  /** Creates the missing topics and reconciles the existing ones (see the class). */
  async provision(declarations: readonly TopicDeclaration[] = this.declarations): Promise<ProvisionResult> {
    const admin = this.connection.startupClient().admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = declarations.filter((d) => !existing.has(d.topic));
      const created = await this.create(admin, missing);
      const changed = await this.reconcile(
        admin,
        declarations.filter((d) => existing.has(d.topic) || !created.includes(d.topic)),
      );
      return { created, changed };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async create(admin: Admin, missing: readonly TopicDeclaration[]): Promise<string[]> {
    if (missing.length === 0) return [];
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((d) => topicConfig(d, this.config.KAFKA_REPLICATION_FACTOR)),
      });
    } catch (error) {
      // Another service may have created them at the same moment: they are reconciled instead.
      if (!/already exists/i.test(String((error as Error).message))) throw error;
      return [];
    }
    this.logger.log(`created topics ${missing.map((d) => d.topic).join(', ')}`);
    return missing.map((d) => d.topic);
  }

  /** Brings existing topics to their declaration: partitions added, configuration altered. */
  private async reconcile(admin: Admin, declarations: readonly TopicDeclaration[]): Promise<TopicChange[]> {
    if (declarations.length === 0) return [];
    const topics = declarations.map((d) => d.topic);
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    const counts = new Map(metadata.map((t) => [t.name, t.partitions.length]));
    const grow: { topic: string; count: number; from: number }[] = [];
    for (const d of declarations) {
      const count = counts.get(d.topic) ?? d.partitions;
      if (count < d.partitions) grow.push({ topic: d.topic, count: d.partitions, from: count });
      else if (count > d.partitions)
        this.logger.warn(
          `${d.topic} has ${count} partitions, more than the ${d.partitions} configured; partitions are never removed`,
        );
    }
    if (grow.length > 0) {
      try {
        await admin.createPartitions({ topicPartitions: grow.map(({ topic, count }) => ({ topic, count })) });
      } catch (error) {
        // Another service may have added them at the same moment; the next start checks again.
        if (!/partition/i.test(String((error as Error).message))) throw error;
        this.logger.warn(`adding partitions: ${(error as Error).message}`);
      }
    }
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    const alter: IResourceConfig[] = [];
    const configChanges = new Map<string, TopicChange['configs']>();
    for (const d of declarations) {
      const resource = described.resources.find((r) => r.resourceName === d.topic);
      const current = new Map((resource?.configEntries ?? []).map((e) => [e.configName, e]));
      const wanted = topicConfig(d, this.config.KAFKA_REPLICATION_FACTOR).configEntries ?? [];
      const differ = wanted.filter((e) => current.get(e.name)?.configValue !== e.value);
      if (differ.length === 0) continue;
      configChanges.set(
        d.topic,
        differ.map((e) => ({ name: e.name, from: current.get(e.name)?.configValue ?? null, to: e.value })),
      );
      // AlterConfigs replaces a topic's whole set of overrides: the ones set by hand (not declared
      // here) are sent again, so they survive.
      const kept = [...current.values()]
        .filter(
          (e) => e.configSource === ConfigSource.TOPIC_CONFIG && !wanted.some((w) => w.name === e.configName),
        )
        .map((e) => ({ name: e.configName, value: e.configValue }));
      alter.push({ type: ConfigResourceTypes.TOPIC, name: d.topic, configEntries: [...kept, ...wanted] });
    }
    if (alter.length > 0) await admin.alterConfigs({ validateOnly: false, resources: alter });
    const changes: TopicChange[] = [];
    for (const d of declarations) {
      const grown = grow.find((g) => g.topic === d.topic);
      const configs = configChanges.get(d.topic) ?? [];
      if (!grown && configs.length === 0) continue;
      changes.push({
        topic: d.topic,
        ...(grown ? { partitions: { from: grown.from, to: grown.count } } : {}),
        configs,
      });
      this.logger.log(
        `reconciled ${d.topic}: ${[
          ...(grown ? [`partitions ${grown.from} → ${grown.count}`] : []),
          ...configs.map((c) => `${c.name} ${c.from ?? '(unset)'} → ${c.to}`),
        ].join(', ')}`,
      );
    }
    return changes;
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
