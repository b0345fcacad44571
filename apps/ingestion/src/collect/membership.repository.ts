import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';

/** One actor's group call: the account it joined, at the call's event time. */
export interface MembershipChange {
  readonly actor: string;
  readonly accountId: string;
  readonly at: Date;
}

const SQL = defineStatements('ingestion.memberships', {
  accountsOf: `
    SELECT actor, account_id AS "accountId"
      FROM ingestion.memberships
     WHERE workspace_id = $1 AND actor = ANY($2::text[])`,
  // An older group call never overwrites a newer one.
  record: `
    INSERT INTO ingestion.memberships AS m (workspace_id, actor, account_id, joined_at)
    SELECT $1, r.actor, r."accountId", r.at
      FROM ${recordset({ actor: 'text', accountId: 'text', at: 'timestamptz' }, { param: 2 })}
    ON CONFLICT (workspace_id, actor) DO UPDATE
      SET account_id = EXCLUDED.account_id, joined_at = EXCLUDED.joined_at
      WHERE m.joined_at <= EXCLUDED.joined_at`,
});

/** ingestion.memberships: each user's latest group (account) by event time, per workspace. */
@Injectable()
export class MembershipRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The account of each actor that has one. */
  async accountsOf(workspaceId: string, actors: readonly string[]): Promise<Map<string, string>> {
    if (actors.length === 0) return new Map();
    const rows = returnedRows<{ actor: string; accountId: string }>(
      await this.dataSource.query(SQL.accountsOf, [workspaceId, actors]),
    );
    return new Map(rows.map((r) => [r.actor, r.accountId]));
  }

  /** Records each actor's latest group by event time (at most one change per actor). */
  async record(workspaceId: string, changes: readonly MembershipChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.dataSource.query(SQL.record, [
      workspaceId,
      recordsetParam(
        changes.map((c) => ({ actor: c.actor, accountId: c.accountId, at: c.at.toISOString() })),
      ),
    ]);
  }
}
