import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { PLAYBOOKS_SIGNALS_CONSUMER, PLAYBOOKS_SIGNALS_TOPICS } from './consumer-groups';
import { EngineLoop } from './engine-loop';
import { SignalsService } from './signals.service';

/** Reads alerts, account snapshots and customer events into the playbooks' signals. */
@Injectable()
export class SignalsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly signals: SignalsService,
    private readonly loop: EngineLoop,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.startBatchForEvents({
      groupId: PLAYBOOKS_SIGNALS_CONSUMER,
      topics: [...PLAYBOOKS_SIGNALS_TOPICS],
      batchSize: 1000,
      // The partitions' runs of a fetch (four topics, 39 partitions) go into one call instead of
      // one transaction each, so an alert waits for a few transactions, not for every partition's.
      partitionsConsumedConcurrently: 12,
      mergePartitionRuns: true,
      handleBatch: async (events) => {
        const started = await this.signals.apply(events.map((e) => e.envelope));
        if (started > 0) this.loop.wake();
      },
    });
  }
}
