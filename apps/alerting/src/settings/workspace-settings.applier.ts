import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AnyEventEnvelope, latestWorkspaceSettings } from '@tsuzuku/contracts';
import { WorkspaceRulesService } from '../rules/workspace-rules.service';
import { AccountSnapshotRepository } from '../alerts/account-snapshot.repository';
import { AlertRepository } from '../alerts/alert.repository';
import { AlertWriter } from '../alerts/alert-writer';
import { AccountKey, sortedKeys } from '../alerts/domain/alert-evaluation';
import { fallbackReassignments } from '../alerts/domain/fallback-reassignment';
import { FallbackOwnerChange, WorkspaceSettingsRepository } from './workspace-settings.repository';

/**
 * Applies workspace.settings.updated (cs.workspaces.v1) to alerting's copy: the fallback owner
 * of the alerts raised from then on. Each message carries its version and an older one changes
 * nothing, so a redelivery or a replay of the compacted topic is harmless without an inbox.
 * When the fallback owner changes, the open alerts the former one held on accounts without an
 * owner go to the new one (alert.updated, change reassigned), in the same transaction.
 */
@Injectable()
export class WorkspaceSettingsApplier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsRepository,
    private readonly workspaces: WorkspaceRulesService,
    private readonly accounts: AccountSnapshotRepository,
    private readonly alerts: AlertRepository,
    private readonly writer: AlertWriter,
  ) {}

  /** Applies the settings among these envelopes; the others are not its business. */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    const latest = latestWorkspaceSettings(envelopes);
    if (latest.size === 0) return;
    await this.dataSource.transaction(async (m) => {
      // A workspace heard of first through its settings gets its default rules as on any first sight.
      await this.workspaces.ensure(m, [...latest.keys()]);
      // The accounts whose alerts the fallback owner of now holds are locked before the settings
      // row, in the order the engine locks accounts, so that a run of the engine never waits on us
      // while we wait on it.
      const current = await this.settings.fallbackOwners(m, [...latest.keys()]);
      const held = sortedKeys(
        await this.alerts.accountsWithOpenHeldBy(
          m,
          [...current].map(([workspaceId, owner]) => ({ workspaceId, owner })),
        ),
      );
      await this.accounts.lock(m, held);
      const applied = await this.settings.apply(
        m,
        [...latest.values()].map(({ workspaceId, fallbackOwner, version }) => ({
          workspaceId,
          fallbackOwner,
          version,
        })),
      );
      await this.moveHeldAlerts(m, held, applied, (workspaceId) => latest.get(workspaceId)!.cause);
    });
  }

  private async moveHeldAlerts(
    m: EntityManager,
    held: readonly AccountKey[],
    applied: readonly FallbackOwnerChange[],
    causeOf: (workspaceId: string) => AnyEventEnvelope,
  ): Promise<void> {
    const changes = fallbackReassignments({
      changes: applied,
      snapshots: await this.accounts.snapshotsOf(m, held),
      openAlerts: await this.alerts.openOfAccountsForUpdate(m, held),
    });
    await this.writer.write(m, changes, (c) => {
      const cause = causeOf(c.alert.workspaceId);
      return { correlationId: cause.correlationId, causationId: cause.id };
    });
  }
}
