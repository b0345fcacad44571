import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@tsuzuku/platform-runtime';
import { AccountProfileRepository } from './account-profile.repository';
import { AccountScorer } from './account-scorer';
import { AccountKey, keyOf, sortedKeys } from './domain/account-key';
import { OverrideRepository } from './override.repository';
import { RescoreOptions, Rescorer } from './ports';
import { WorkspaceInputs } from './workspace-inputs';

const RESCORE_CHUNK = 500;

/** Rescores accounts for a named cause (not events): changed scorecards or settings, overrides, the sweep. */
@Injectable()
export class RescoringService extends Rescorer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountProfileRepository,
    private readonly overrides: OverrideRepository,
    private readonly scorer: AccountScorer,
    private readonly inputs: WorkspaceInputs,
    private readonly clock: Clock,
  ) {
    super();
  }

  override async rescoreWorkspace(
    workspaceId: string,
    reason: string,
    options: RescoreOptions = {},
  ): Promise<number> {
    const keys = await this.accounts.settledKeysOf(workspaceId);
    for (let i = 0; i < keys.length; i += RESCORE_CHUNK)
      await this.rescore(keys.slice(i, i + RESCORE_CHUNK), reason, options);
    return keys.length;
  }

  override async rescoreAccount(workspaceId: string, accountId: string, reason: string): Promise<void> {
    await this.rescore([{ workspaceId, accountId }], reason);
  }

  override accountsInSegment(workspaceId: string, segment: string): Promise<number> {
    return this.accounts.countOfSegment(workspaceId, segment);
  }

  /** Ends the overrides whose expiry has passed and rescores their accounts. */
  async expireOverrides(): Promise<number> {
    const ended = await this.overrides.endExpired(this.clock.now());
    for (const k of ended) await this.rescoreAccount(k.workspaceId, k.accountId, 'override expired');
    return ended.length;
  }

  private async rescore(
    keys: readonly AccountKey[],
    reason: string,
    options: RescoreOptions = {},
  ): Promise<void> {
    const sorted = sortedKeys(keys);
    await this.dataSource.transaction(async (m) => {
      const rows = await this.accounts.lockMany(m, sorted);
      const present = sorted.filter((k) => rows.has(keyOf(k)));
      const settings = await this.inputs.settingsOf(present.map((k) => k.workspaceId));
      const correlationId = randomUUID();
      await this.scorer.scorePresent(
        m,
        present,
        rows,
        settings,
        () => ({ reason, causationId: null, correlationId }),
        options,
      );
    });
  }
}
