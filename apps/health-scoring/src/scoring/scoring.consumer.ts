import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Topic } from '@tsuzuku/contracts';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { SCORING_CONSUMER, ScoringEngine } from './scoring.engine';

/** Reads cs.events.v1 a run at a time into the scoring engine. */
@Injectable()
export class ScoringConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly engine: ScoringEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.startBatchForEvents({
      groupId: SCORING_CONSUMER,
      topics: [Topic.Events],
      // Bigger runs mean fewer rescorings of one account: each run rescores an account once.
      batchSize: 20_000,
      maxBytesPerPartition: 16 * 1024 * 1024,
      // Accounts are keyed to partitions and rows are locked in one order, so two runs never deadlock.
      partitionsConsumedConcurrently: 2,
      handleBatch: (events) => this.engine.apply(events.map((e) => e.envelope)),
    });
  }
}
