import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IngestionConfig } from '../config/ingestion.config';
import { ReplicasRepository } from './replicas.repository';

/**
 * How many ingestion replicas are live, from a heartbeat row each keeps in ingestion.instances.
 * The rate limits are shared by this count. When the database cannot be reached, the last
 * count stands (a replica that died is dropped from the others' count after REPLICA_EXPIRY_MS).
 */
@Injectable()
export class ReplicaCount implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaCount.name);
  private readonly id = randomUUID();
  private timer?: NodeJS.Timeout;
  private live = 1;
  private readonly listeners: ((live: number) => void)[] = [];

  constructor(
    private readonly replicas: ReplicasRepository,
    private readonly config: IngestionConfig,
  ) {}

  /** Live replicas, this one included (at least 1). */
  get count(): number {
    return this.live;
  }

  /** Calls `listener` now and whenever the count changes. */
  onChange(listener: (live: number) => void): void {
    this.listeners.push(listener);
    listener(this.live);
  }

  async onApplicationBootstrap(): Promise<void> {
    // The first count before any request: a new replica does not start with the whole limit.
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.REPLICA_HEARTBEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // The others take its share at their next heartbeat instead of after the expiry.
    await this.replicas.remove(this.id).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      const live = Math.max(1, await this.replicas.heartbeat(this.id, this.config.REPLICA_EXPIRY_MS));
      if (live === this.live) return;
      this.logger.log(`${live} ingestion replica(s) live: each takes 1/${live} of the rate limits`);
      this.live = live;
      for (const listener of this.listeners) listener(live);
    } catch (error) {
      this.logger.warn(
        `replica heartbeat failed, keeping ${this.live} replica(s): ${(error as Error).message}`,
      );
    }
  }
}
