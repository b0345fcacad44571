import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { ALERTING_ACCOUNTS_CONSUMER, ALERTING_ACCOUNTS_TOPICS } from '../consumer-groups';
import { WorkspaceSettingsApplier } from '../settings/workspace-settings.applier';
import { AlertingEngine } from './alerting.engine';

/**
 * Reads account snapshots (cs.accounts.v1) and score changes (cs.health.v1) a run at a time, and
 * the workspace settings (cs.workspaces.v1: the fallback owner). A run is one topic-partition's.
 */
@Injectable()
export class AccountsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly engine: AlertingEngine,
    private readonly settings: WorkspaceSettingsApplier,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.startBatchForEvents({
      groupId: ALERTING_ACCOUNTS_CONSUMER,
      topics: [...ALERTING_ACCOUNTS_TOPICS],
      batchSize: 1000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      // Accounts are keyed to partitions and locked in one order, so two runs never deadlock.
      partitionsConsumedConcurrently: 2,
      handleBatch: async (events) => {
        const envelopes = events.map((e) => e.envelope);
        await this.settings.apply(envelopes);
        await this.engine.apply(envelopes);
      },
    });
  }
}
