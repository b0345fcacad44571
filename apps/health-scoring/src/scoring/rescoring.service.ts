import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '@tsuzuku/platform-runtime';
import { AccountProfileRepository } from './account-profile.repository';
import { AccountScorer } from './account-scorer';
import { AccountKey, keyOf, sortedKeys } from './domain/account-key';
import { OverrideRepository } from './override.repository';
import { OwnerAssigner, OwnerSelection, RescoreOptions, Rescorer } from './ports';
import { assignOwner } from './domain/account-row';
import { WorkspaceInputs } from './workspace-inputs';

const RESCORE_CHUNK = 500;

/** Rescores accounts for a named cause (not events): changed scorecards or settings, overrides, the sweep. */
@Injectable()
export class RescoringService extends Rescorer implements OwnerAssigner {
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

  /**
   * Sets the owner of the selected accounts as of now and announces them (account.updated, through
   * the outbox, in the same transaction): the accounts of `fromOwner` a chunk at a time, until
   * none is left. Answers the ids of the accounts whose owner changed.
   */
  async assignOwner(workspaceId: string, selection: OwnerSelection, owner: string | null): Promise<string[]> {
    const among = selection.accountIds ?? null;
    if (selection.fromOwner === undefined)
      return this.assignChunk(
        (among ?? []).map((accountId) => ({ workspaceId, accountId })),
        owner,
      );
    const moved: string[] = [];
    const sameOwner = owner !== null && owner.toLowerCase() === selection.fromOwner.toLowerCase();
    for (;;) {
      const keys = await this.accounts.keysOfOwner(workspaceId, selection.fromOwner, among, RESCORE_CHUNK);
      // Each chunk moves its accounts away from fromOwner, so the next read finds the rest.
      const chunk = sameOwner ? [] : await this.assignChunk(keys, owner);
      moved.push(...chunk);
      if (keys.length < RESCORE_CHUNK || chunk.length === 0) return moved;
    }
  }

  private async assignChunk(keys: readonly AccountKey[], owner: string | null): Promise<string[]> {
    const sorted = sortedKeys(keys);
    if (sorted.length === 0) return [];
    return this.dataSource.transaction(async (m) => {
      const rows = await this.accounts.lockMany(m, sorted);
      const at = this.clock.now().toISOString();
      const moved = sorted.filter((k) => {
        const row = rows.get(keyOf(k));
        return row !== undefined && row.owner !== owner && assignOwner(row, owner, at);
      });
      if (moved.length === 0) return [];
      const settings = await this.inputs.settingsOf(moved.map((k) => k.workspaceId));
      const correlationId = randomUUID();
      await this.scorer.scorePresent(m, moved, rows, settings, () => ({
        reason: owner === null ? 'owner removed' : 'owner assigned',
        causationId: null,
        correlationId,
      }));
      return moved.map((k) => k.accountId);
    });
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
