import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';
import { AccountKey } from './domain/account-key';

const SQL = defineStatements('health-scoring.overrides', {
  // Locking the account serialises concurrent overrides of it (one active at a time).
  lockAccount: 'SELECT 1 FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2 FOR UPDATE',
  endActive: `
    UPDATE health_scoring.overrides
    SET ended_at = $3,
        ended_why = CASE WHEN expires_at IS NOT NULL AND expires_at <= $3 THEN 'expired' ELSE 'replaced' END
    WHERE workspace_id = $1 AND account_id = $2 AND ended_at IS NULL`,
  insert: `
    INSERT INTO health_scoring.overrides (id, workspace_id, account_id, score, reason, author, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  clearInEffect: `
    UPDATE health_scoring.overrides SET ended_at = $3, ended_why = 'cleared'
    WHERE workspace_id = $1 AND account_id = $2 AND ended_at IS NULL
      AND (expires_at IS NULL OR expires_at > $3)
    RETURNING id`,
  endExpired: `
    UPDATE health_scoring.overrides SET ended_at = $1, ended_why = 'expired'
    WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1
    RETURNING workspace_id, account_id`,
});

/** A score override as set by a CSM. */
export interface NewOverride {
  readonly id: string;
  readonly workspaceId: string;
  readonly accountId: string;
  readonly score: number;
  readonly reason: string;
  readonly author: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

/** Score overrides (health_scoring.overrides): set, replaced, cleared and expired; one in effect per account. */
@Injectable()
export class OverrideRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Replaces the account's active override with this one; false (nothing written) when the account is unknown. */
  async replace(m: EntityManager, override: NewOverride): Promise<boolean> {
    const found: unknown[] = await m.query(SQL.lockAccount, [override.workspaceId, override.accountId]);
    if (found.length === 0) return false;
    const at = override.createdAt.toISOString();
    await m.query(SQL.endActive, [override.workspaceId, override.accountId, at]);
    await m.query(SQL.insert, [
      override.id,
      override.workspaceId,
      override.accountId,
      override.score,
      override.reason,
      override.author,
      at,
      override.expiresAt?.toISOString() ?? null,
    ]);
    return true;
  }

  /** Ends the override in effect at `now`; false when there was none. */
  async clear(workspaceId: string, accountId: string, now: Date): Promise<boolean> {
    const ended = returnedRows<{ id: string }>(
      await this.dataSource.query(SQL.clearInEffect, [workspaceId, accountId, now.toISOString()]),
    );
    return ended.length > 0;
  }

  /** Ends the overrides expired by `now`; answers their accounts. */
  async endExpired(now: Date): Promise<AccountKey[]> {
    const rows = returnedRows<{ workspace_id: string; account_id: string }>(
      await this.dataSource.query(SQL.endExpired, [now.toISOString()]),
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, accountId: r.account_id }));
  }
}
