import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  defineStatements,
  keyArrays,
  recordset,
  recordsetParam,
  returnedRows,
} from '@tsuzuku/platform-database';
import { AccountKey } from './domain/account-key';

/**
 * When a marked account's backfill counts as settled: its own history quiet since `quietSince`
 * ($1), and its workspace's too (an import goes on for the whole workspace, and one account's
 * events can be minutes apart in it), or its own quiet since `longQuietSince` ($2) whatever the
 * workspace does.
 */
const SETTLED = `p.last_at <= $1 AND (p.last_at <= $2 OR NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending q
  WHERE q.workspace_id = p.workspace_id AND q.last_at > $1))`;

const SQL = defineStatements('health-scoring.backfill', {
  mark: `
    INSERT INTO health_scoring.backfill_pending AS p (workspace_id, account_id, last_at, previous, days)
    SELECT r."workspaceId", r."accountId", $2, r.previous, r.days::date[]
    FROM ${recordset({ workspaceId: 'text', accountId: 'text', previous: 'jsonb', days: 'text[]' })}
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET last_at = EXCLUDED.last_at,
      days = ARRAY(SELECT DISTINCT d FROM unnest(p.days || EXCLUDED.days) AS d ORDER BY d)`,
  pendingCount: 'SELECT count(*)::int AS n FROM health_scoring.backfill_pending WHERE workspace_id = $1',
  settledCandidates: `
    SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM health_scoring.backfill_pending p
    WHERE ${SETTLED} ORDER BY workspace_id, account_id LIMIT $3`,
  takeSettled: `
    DELETE FROM health_scoring.backfill_pending p USING unnest($3::text[], $4::text[]) AS k(workspace_id, account_id)
    WHERE p.workspace_id = k.workspace_id AND p.account_id = k.account_id AND ${SETTLED}
    RETURNING p.workspace_id, p.account_id, p.previous, p.days::text[] AS days`,
});

/** The accounts whose past was rebuilt and whose present state waits for their backfill to settle. */
@Injectable()
export class BackfillRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Marks accounts whose history a run brought, with the days it touched (their past is rebuilt
   * when the backfill settles); the first mark keeps the health they had before, which their
   * settled present state is compared with.
   */
  async mark(
    m: EntityManager,
    accounts: readonly { key: AccountKey; previous: unknown; days: readonly string[] }[],
    at: Date,
  ): Promise<void> {
    if (accounts.length === 0) return;
    await m.query(SQL.mark, [
      recordsetParam(
        accounts.map((a) => ({
          workspaceId: a.key.workspaceId,
          accountId: a.key.accountId,
          previous: a.previous,
          days: a.days,
        })),
      ),
      at.toISOString(),
    ]);
  }

  /** How many of the workspace's accounts wait for their backfill to settle. */
  async pendingCount(workspaceId: string): Promise<number> {
    const [row]: [{ n: number }] = await this.dataSource.query(SQL.pendingCount, [workspaceId]);
    return row.n;
  }

  /** Up to `limit` accounts whose backfill has settled (see SETTLED), in key order. */
  settledCandidates(quietSince: Date, longQuietSince: Date, limit: number): Promise<AccountKey[]> {
    return this.dataSource.query(SQL.settledCandidates, [
      quietSince.toISOString(),
      longQuietSince.toISOString(),
      limit,
    ]);
  }

  /**
   * Takes the accounts (locked by the caller first, as the consumer does) whose backfill has still
   * settled, with the health they had before it and the days of history that came since their last
   * settle (UTC, YYYY-MM-DD); their marks go with the commit.
   */
  async takeSettled<T>(
    m: EntityManager,
    keys: readonly AccountKey[],
    quietSince: Date,
    longQuietSince: Date,
  ): Promise<Map<string, { previous: T | null; days: string[] }>> {
    if (keys.length === 0) return new Map();
    const [ws, acc] = keyArrays(keys);
    const rows = returnedRows<{
      workspace_id: string;
      account_id: string;
      previous: T | null;
      days: string[];
    }>(await m.query(SQL.takeSettled, [quietSince.toISOString(), longQuietSince.toISOString(), ws, acc]));
    return new Map(
      rows.map((r) => [
        `${r.workspace_id}\u0000${r.account_id}`,
        { previous: r.previous, days: r.days ?? [] },
      ]),
    );
  }
}
