import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IngestionConfig } from '../config/ingestion.config';
import { IngestionStore } from './ingestion.store';

const EVERY_MS = 10 * 60 * 1000;

/** Forgets messageIds past the deduplication window, every ten minutes. */
@Injectable()
export class DedupePruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DedupePruner.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: IngestionStore,
    private readonly config: IngestionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<void> {
    try {
      const removed = await this.store.pruneDedupe(this.config.DEDUPE_WINDOW_HOURS);
      if (removed > 0)
        this.logger.log(`forgot ${removed} messageIds older than ${this.config.DEDUPE_WINDOW_HOURS} h`);
    } catch (error) {
      this.logger.warn(`pruning the messageId window failed: ${(error as Error).message}`);
    }
  }
}
