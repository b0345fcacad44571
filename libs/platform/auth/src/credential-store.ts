import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CredentialRecord, Topic, parseCredentialRecord } from '@tsuzuku/contracts';
import { ServiceConfig } from '@tsuzuku/platform-config';
import {
  ConsumedMessage,
  ConsumerRunner,
  KafkaConnection,
  TopicProvisioner,
  WaitAbandonedError,
  describeError,
  waitUntilAvailable,
} from '@tsuzuku/platform-kafka';
import { hashSecret } from './secret';

/**
 * Every write key and API token, by hash, read from the compacted cs.credentials.v1 from the
 * beginning: a service authenticates without calling ingestion, and a revocation takes effect
 * here as soon as its record is consumed.
 */
@Injectable()
export class CredentialStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CredentialStore.name);
  private readonly byHash = new Map<string, CredentialRecord>();
  private readonly hashById = new Map<string, string>();
  private readonly groupId: string;
  private behind = new Map<number, bigint>();
  private markCaughtUp!: () => void;
  private readonly caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
  private isCaughtUp = false;
  private stopped = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly consumers: ConsumerRunner,
    private readonly provisioner: TopicProvisioner,
    config: ServiceConfig,
  ) {
    // Each instance reads the whole topic, so each has a group of its own, named after the
    // instance: a restart after a crash joins the group it left instead of adding one.
    this.groupId = credentialsGroupId(connection.clientId, config.INSTANCE_ID);
  }

  /** Reads the topic in the background: start-up goes on (not ready) while Kafka is unreachable. */
  onApplicationBootstrap(): void {
    void this.load().catch((error: unknown) => {
      if (!(error instanceof WaitAbandonedError))
        this.logger.error(`credential store not started: ${describeError(error)}`);
    });
  }

  private async load(): Promise<void> {
    await this.provisioner.whenDone();
    // A just-created topic may still be electing its leaders: the wait covers that too.
    const offsets = await waitUntilAvailable(() => this.endOffsets(), {
      what: `${this.connection.target} (offsets of ${Topic.Credentials})`,
      logger: this.logger,
      baseMs: 250,
      stopped: () => this.stopped,
    });
    this.behind = new Map(
      offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]),
    );
    this.checkCaughtUp();
    await this.consumers.start({
      groupId: this.groupId,
      topics: [Topic.Credentials],
      fromBeginning: true,
      // Read from the beginning at every start: no offsets, so a group left behind holds nothing
      // and the broker drops it once empty.
      commitOffsets: false,
      handle: async (message) => this.consume(message),
    });
  }

  private async endOffsets(): Promise<{ partition: number; high: string; low: string }[]> {
    const admin = this.connection.startupClient().admin();
    try {
      await admin.connect();
      return await admin.fetchTopicOffsets(Topic.Credentials);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Resolves once the store holds everything the topic had when the service started. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUp;
  }

  get ready(): boolean {
    return this.isCaughtUp;
  }

  /** The credential a secret stands for, if it exists, is of this kind and is not revoked. */
  authenticate(secret: string, kind: CredentialRecord['kind']): CredentialRecord | undefined {
    const record = this.byHash.get(hashSecret(secret));
    return record && record.kind === kind && record.revokedAt === null ? record : undefined;
  }

  /** Applies a record at once (ingestion does, right after committing a change). */
  apply(record: CredentialRecord): void {
    const previous = this.hashById.get(record.id);
    if (previous) this.byHash.delete(previous);
    if (record.revokedAt !== null) {
      this.hashById.delete(record.id);
      return;
    }
    this.byHash.set(record.secretHash, record);
    this.hashById.set(record.id, record.secretHash);
  }

  private forget(id: string): void {
    const hash = this.hashById.get(id);
    if (hash) this.byHash.delete(hash);
    this.hashById.delete(id);
  }

  private async consume(message: ConsumedMessage): Promise<void> {
    if (message.value === null) {
      if (message.key) this.forget(message.key);
    } else {
      const record = parseCredentialRecord(message.value.toString('utf8'));
      if (record) this.apply(record);
      else
        this.logger.warn(
          `skipped an invalid credential record at ${message.topic}/${message.partition}@${message.offset}`,
        );
    }
    const high = this.behind.get(message.partition);
    if (high !== undefined && BigInt(message.offset) + 1n >= high) {
      this.behind.delete(message.partition);
      this.checkCaughtUp();
    }
  }

  private checkCaughtUp(): void {
    if (this.behind.size === 0 && !this.isCaughtUp) {
      this.isCaughtUp = true;
      this.logger.log(`credential store caught up: ${this.byHash.size} active credential(s)`);
      this.markCaughtUp();
    }
  }

  /** The group was this process's alone: remove it so groups do not pile up. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const admin = this.connection.probeClient().admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch {
      // Kafka gone or the group still closing: the broker expires it on its own.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** The credential store's consumer group of one instance of a service. */
export function credentialsGroupId(clientId: string, instanceId: string): string {
  return `${clientId}.credentials.${instanceId}`;
}
