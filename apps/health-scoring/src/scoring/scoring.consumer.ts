import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { EventIntakeService } from './event-intake.service';
import { SCORING_CONSUMER, SCORING_TOPICS } from './scoring.messaging';

/** Reads cs.events.v1 a run at a time into the event intake. */
@Injectable()
export class ScoringConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly intake: EventIntakeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.startBatchForEvents({
      groupId: SCORING_CONSUMER,
      topics: [...SCORING_TOPICS],
      // Bigger runs mean fewer rescorings of one account: each run rescores an account once.
      batchSize: 20_000,
      maxBytesPerPartition: 16 * 1024 * 1024,
      // Every partition's run of a fetch goes into one intake call (fewer transactions, lower
      // latency), two calls in flight; accounts are keyed to partitions and rows are locked in one
      // order, so two calls, or the runs handled one by one after a failed call, never deadlock.
      partitionsConsumedConcurrently: 12,
      mergePartitionRuns: true,
      mergedCallsInFlight: 2,
      handleBatch: (events) => this.intake.apply(events.map((e) => e.envelope)),
    });
  }
}
