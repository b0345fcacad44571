import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AnyEventEnvelope } from '@tsuzuku/contracts';
import { WorkspaceRulesService } from '../rules/workspace-rules.service';
import { AppliedSettings, WorkspaceSettingsRepository } from './workspace-settings.repository';

/**
 * Applies workspace.settings.updated (cs.workspaces.v1) to alerting's copy: the fallback owner
 * of the alerts raised from then on. Each message carries its version and an older one changes
 * nothing, so a redelivery or a replay of the compacted topic is harmless without an inbox.
 */
@Injectable()
export class WorkspaceSettingsApplier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsRepository,
    private readonly workspaces: WorkspaceRulesService,
  ) {}

  /** Applies the settings among these envelopes; the others are not its business. */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    const latest = new Map<string, AppliedSettings>();
    for (const e of envelopes) {
      if (e.type !== 'workspace.settings.updated') continue;
      const seen = latest.get(e.workspaceId);
      if (!seen || seen.version < e.data.version)
        latest.set(e.workspaceId, {
          workspaceId: e.workspaceId,
          fallbackOwner: e.data.fallbackOwner,
          version: e.data.version,
        });
    }
    if (latest.size === 0) return;
    await this.dataSource.transaction(async (m) => {
      // A workspace heard of first through its settings gets its default rules as on any first sight.
      await this.workspaces.ensure(m, [...latest.keys()]);
      await this.settings.apply(m, [...latest.values()]);
    });
  }
}
