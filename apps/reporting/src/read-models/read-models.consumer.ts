import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { READ_MODELS_GROUP, READ_MODEL_TOPICS } from './consumer-groups';
import { ReadModelWriter } from './read-model.writer';

/** Reads every topic reporting is built from into the read models, a run at a time. */
@Injectable()
export class ReadModelsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly writer: ReadModelWriter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.startBatchForEvents({
      groupId: READ_MODELS_GROUP,
      topics: [...READ_MODEL_TOPICS],
      batchSize: 2000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      // The partitions' runs of a fetch (five topics) go into one transaction instead of one each.
      partitionsConsumedConcurrently: 12,
      mergePartitionRuns: true,
      handleBatch: (events) => this.writer.apply(events.map((e) => e.envelope)),
    });
  }
}
