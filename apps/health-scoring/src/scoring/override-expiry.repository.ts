import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';
import { AccountKey } from './domain/account-key';

const SQL = defineStatements('health-scoring.override-expiry', {
  endExpired: `
    UPDATE health_scoring.overrides SET ended_at = $1, ended_why = 'expired'
    WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1
    RETURNING workspace_id, account_id`,
});

/** The end of overrides whose expiry has passed (setting and clearing them is the accounts API's). */
@Injectable()
export class OverrideExpiryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Ends the overrides expired by `now`; answers their accounts. */
  async endExpired(now: Date): Promise<AccountKey[]> {
    const rows = returnedRows<{ workspace_id: string; account_id: string }>(
      await this.dataSource.query(SQL.endExpired, [now.toISOString()]),
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, accountId: r.account_id }));
  }
}
