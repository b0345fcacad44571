import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { IngestionConfig } from '../config/ingestion.config';
import { DedupeLedger } from './dedupe-ledger';

const EVERY_MS = 10 * 60 * 1000;

/** Forgets messageIds past the deduplication window, every ten minutes, once per cluster. */
@Injectable()
export class DedupePruner implements OnApplicationBootstrap {
  private readonly logger = new Logger(DedupePruner.name);

  constructor(
    private readonly ledger: DedupeLedger,
    private readonly config: IngestionConfig,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule({
      name: 'dedupe-pruner',
      everyMs: EVERY_MS,
      oncePerCluster: true,
      run: () => this.prune(),
    });
  }

  async prune(): Promise<void> {
    const removed = await this.ledger.prune();
    if (removed > 0)
      this.logger.log(`forgot ${removed} messageIds older than ${this.config.DEDUPE_WINDOW_HOURS} h`);
  }
}
