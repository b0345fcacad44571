import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { ALERTING_ACCOUNTS_CONSUMER, ALERTING_ACCOUNTS_TOPICS } from '../consumer-groups';
import { WorkspaceSettingsApplier } from '../settings/workspace-settings.applier';
import { AlertingEngine } from './alerting.engine';

/**
 * Reads account snapshots (cs.accounts.v1) and score changes (cs.health.v1) a run at a time, and
 * the workspace settings (cs.workspaces.v1: the fallback owner), the runs of a fetch merged.
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
      // The partitions' runs of a fetch go into one call, two calls in flight; accounts are locked
      // in one order, so two calls, or the runs handled one by one after a failed call, never deadlock.
      partitionsConsumedConcurrently: 12,
      mergePartitionRuns: true,
      mergedCallsInFlight: 2,
      handleBatch: async (events) => {
        const envelopes = events.map((e) => e.envelope);
        await this.settings.apply(envelopes);
        await this.engine.apply(envelopes);
      },
    });
  }
}
