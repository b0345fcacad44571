import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import { AccountKey } from './domain/account-key';
import { numberOrNull, rowKey } from './row-values';

/** A point of the score history, as the scoring writes it. */
export interface HistoryPoint {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly at: string;
  readonly score: number | null;
  readonly band: string | null;
  readonly computedScore: number | null;
  readonly coverage: number;
  readonly reason: string;
  readonly backfill: boolean;
  /** The metric values the account had at that moment (metric → value, null without data). */
  readonly measures: Readonly<Record<string, number | null>> | null;
}

/** The health a history point recorded. */
export interface RecordedHealth {
  readonly score: number | null;
  readonly band: string | null;
  readonly computedScore: number | null;
  readonly coverage: number;
}

const SQL = defineStatements('health-scoring.score-history', {
  deleteRebuiltPoints: `
    DELETE FROM health_scoring.score_history h
    USING ${recordset({ workspaceId: 'text', accountId: 'text', at: 'timestamptz', backfill: 'boolean' })}
    WHERE r.backfill AND h.backfill AND h.workspace_id = r."workspaceId" AND h.account_id = r."accountId" AND h.at = r.at`,
  addPoints: `
    INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, band, computed_score, coverage, reason, backfill, measures)
    SELECT * FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      at: 'timestamptz',
      score: 'numeric',
      band: 'text',
      computedScore: 'numeric',
      coverage: 'numeric',
      reason: 'text',
      backfill: 'boolean',
      measures: 'jsonb',
    })}`,
  pointsBefore: `
    SELECT k.workspace_id, k.account_id, h.score, h.band, h.computed_score, h.coverage
    FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(workspace_id, account_id, before)
    CROSS JOIN LATERAL (SELECT score, band, computed_score, coverage FROM health_scoring.score_history h
      WHERE h.workspace_id = k.workspace_id AND h.account_id = k.account_id AND h.at < k.before
      ORDER BY at DESC, id DESC LIMIT 1) h`,
  backfilledDaysAfter: `
    SELECT DISTINCT k.workspace_id, k.account_id, (h.at AT TIME ZONE 'UTC')::date::text AS day
    FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(workspace_id, account_id, after)
    JOIN health_scoring.score_history h
      ON h.workspace_id = k.workspace_id AND h.account_id = k.account_id AND h.at > k.after AND h.backfill`,
});

/** Each account's score history, present points and rebuilt past points. */
@Injectable()
export class ScoreHistoryRepository {
  /** Adds history points; a rebuilt point of the past replaces the one rebuilt before at the same moment. */
  async add(m: EntityManager, points: readonly HistoryPoint[]): Promise<void> {
    if (points.length === 0) return;
    const rows = recordsetParam(points);
    if (points.some((p) => p.backfill)) await m.query(SQL.deleteRebuiltPoints, [rows]);
    await m.query(SQL.addPoints, [rows]);
  }

  /** For each account, the last history point before a moment: where its rebuilt past starts from. */
  async pointsBefore(
    m: EntityManager,
    accounts: readonly { key: AccountKey; before: string }[],
  ): Promise<Map<string, RecordedHealth>> {
    const out = new Map<string, RecordedHealth>();
    if (accounts.length === 0) return out;
    const rows: Record<string, unknown>[] = await m.query(SQL.pointsBefore, [
      accounts.map((a) => a.key.workspaceId),
      accounts.map((a) => a.key.accountId),
      accounts.map((a) => a.before),
    ]);
    for (const r of rows)
      out.set(rowKey(r), {
        score: numberOrNull(r['score']),
        band: (r['band'] as string | null) ?? null,
        computedScore: numberOrNull(r['computed_score']),
        coverage: Number(r['coverage'] ?? 0),
      });
    return out;
  }

  /**
   * For each account, the UTC days after a moment that already have a rebuilt (backfill) history
   * point: an event older than them changes the score those days had, so they are rebuilt again.
   */
  async backfilledDaysAfter(
    m: EntityManager,
    accounts: readonly { key: AccountKey; after: string }[],
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (accounts.length === 0) return out;
    const rows: { workspace_id: string; account_id: string; day: string }[] = await m.query(
      SQL.backfilledDaysAfter,
      [
        accounts.map((a) => a.key.workspaceId),
        accounts.map((a) => a.key.accountId),
        accounts.map((a) => a.after),
      ],
    );
    for (const r of rows) {
      const key = `${r.workspace_id}\u0000${r.account_id}`;
      out.set(key, [...(out.get(key) ?? []), r.day]);
    }
    return out;
  }
}
