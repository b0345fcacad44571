import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountUpdatedData } from '@tsuzuku/contracts';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import { AccountKey, AccountSnapshot, ScoreHistories } from './domain/alert-evaluation';

/** Score points older than any score_drop window can reach are dropped by the sweep. */
export const SCORE_HISTORY_DAYS = 366;

/** One score of one account at the time it stands for. */
export interface ScorePointRow {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly at: string;
  readonly score: number;
}

/** One account's latest snapshot, as alerting.accounts keeps it. */
export interface SnapshotRow {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly asOf: string;
  readonly snapshot: AccountUpdatedData;
}

const KEYS = `unnest($1::text[], $2::text[]) AS k(w, acc)`;

const SQL = defineStatements('alerting.accounts', {
  lockAccounts: `
    SELECT pg_advisory_xact_lock(h) FROM (
      SELECT hashtextextended(k, 0) AS h FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
    ) s`,
  upsertSnapshots: `
    INSERT INTO alerting.accounts AS a (workspace_id, account_id, as_of, snapshot)
    SELECT r."workspaceId", r."accountId", r."asOf", r.snapshot
    FROM ${recordset({ workspaceId: 'text', accountId: 'text', asOf: 'timestamptz', snapshot: 'jsonb' })}
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET as_of = EXCLUDED.as_of, snapshot = EXCLUDED.snapshot
      WHERE a.as_of <= EXCLUDED.as_of`,
  addScorePoints: `
    INSERT INTO alerting.score_points (workspace_id, account_id, at, score)
    SELECT r."workspaceId", r."accountId", r.at, r.score
    FROM ${recordset({ workspaceId: 'text', accountId: 'text', at: 'timestamptz', score: 'numeric' })}
    ON CONFLICT DO NOTHING`,
  snapshotsOf: `
    SELECT a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.snapshot
    FROM alerting.accounts a
    JOIN ${KEYS} ON a.workspace_id = k.w AND a.account_id = k.acc`,
  // The points of the window, and the last one before it (the score in effect when it began).
  scorePointsSince: `
    SELECT p.workspace_id AS "workspaceId", p.account_id AS "accountId", p.at, p.score
    FROM alerting.score_points p
    JOIN ${KEYS} ON p.workspace_id = k.w AND p.account_id = k.acc
    WHERE p.at >= $3
    UNION ALL
    SELECT b.workspace_id, b.account_id, b.at, b.score
    FROM ${KEYS}
    CROSS JOIN LATERAL (
      SELECT p.workspace_id, p.account_id, p.at, p.score FROM alerting.score_points p
      WHERE p.workspace_id = k.w AND p.account_id = k.acc AND p.at < $3 ORDER BY p.at DESC LIMIT 1
    ) b`,
  allKeys: `
    SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM alerting.accounts
    ORDER BY workspace_id, account_id`,
  keysOfWorkspace: `
    SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM alerting.accounts
    WHERE workspace_id = $1 ORDER BY account_id`,
  pruneScorePoints: `
    DELETE FROM alerting.score_points p WHERE p.at < $1::timestamptz - make_interval(days => $2)
      AND EXISTS (SELECT 1 FROM alerting.score_points q WHERE q.workspace_id = p.workspace_id
        AND q.account_id = p.account_id AND q.at > p.at AND q.at < $1::timestamptz - make_interval(days => $2))`,
});

const keyParams = (keys: readonly AccountKey[]): [string[], string[]] => [
  keys.map((k) => k.workspaceId),
  keys.map((k) => k.accountId),
];

/** The accounts' latest snapshots (alerting.accounts) and their score history (alerting.score_points). */
@Injectable()
export class AccountSnapshotRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Serialises work on the same accounts (consumer, sweep, rule changes): transaction-scoped
   * advisory locks taken in the order given (sorted by the caller), so two runs never deadlock.
   */
  async lock(m: EntityManager, sorted: readonly AccountKey[]): Promise<void> {
    if (sorted.length === 0) return;
    await m.query(SQL.lockAccounts, [sorted.map((k) => `alerting:${k.workspaceId}:${k.accountId}`)]);
  }

  /** Keeps each snapshot unless a newer one is already stored. */
  async upsertSnapshots(m: EntityManager, snapshots: readonly SnapshotRow[]): Promise<void> {
    if (snapshots.length > 0) await m.query(SQL.upsertSnapshots, [recordsetParam(snapshots)]);
  }

  async addScorePoints(m: EntityManager, points: readonly ScorePointRow[]): Promise<void> {
    if (points.length > 0) await m.query(SQL.addScorePoints, [recordsetParam(points)]);
  }

  async snapshotsOf(m: EntityManager, keys: readonly AccountKey[]): Promise<AccountSnapshot[]> {
    if (keys.length === 0) return [];
    return m.query(SQL.snapshotsOf, keyParams(keys));
  }

  /** Each account's score points since `since`, with the last one before it, oldest first per account. */
  async scoreHistories(m: EntityManager, keys: readonly AccountKey[], since: Date): Promise<ScoreHistories> {
    const histories: ScoreHistories = new Map();
    if (keys.length === 0) return histories;
    const rows: { workspaceId: string; accountId: string; at: Date; score: string }[] = await m.query(
      SQL.scorePointsSince,
      [...keyParams(keys), since.toISOString()],
    );
    for (const p of rows) {
      const key = `${p.workspaceId}\u0000${p.accountId}`;
      const list = histories.get(key) ?? [];
      list.push({ at: p.at.toISOString(), score: Number(p.score) });
      histories.set(key, list);
    }
    return histories;
  }

  /** Accounts with a snapshot, a workspace at a time, for the sweep. */
  async allKeys(): Promise<AccountKey[]> {
    return this.dataSource.query(SQL.allKeys);
  }

  async keysOf(workspaceId: string): Promise<AccountKey[]> {
    return this.dataSource.query(SQL.keysOfWorkspace, [workspaceId]);
  }

  /** Drops score points no rule can look back to, keeping each account's last one before the cut. */
  async pruneScorePoints(now: Date): Promise<void> {
    await this.dataSource.query(SQL.pruneScorePoints, [now.toISOString(), SCORE_HISTORY_DAYS]);
  }
}
