import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import type { BandChange } from './domain/event-rows';

const sql = defineStatements('reporting.band-changes', {
  insert: `
    INSERT INTO reporting.band_changes (event_id, workspace_id, account_id, occurred_at, band)
    SELECT id, ws, account, at, band
    FROM ${recordset({ id: 'text', ws: 'text', account: 'text', at: 'timestamptz', band: 'text' })}
    ON CONFLICT DO NOTHING`,
  distribution: `
    SELECT to_char(p.day, 'YYYY-MM-DD') AS date, b.band, count(*)::int AS accounts
    FROM generate_series($2::timestamp, $3::timestamp, $4::interval) AS p(day)
    CROSS JOIN LATERAL (
      SELECT DISTINCT ON (account_id) account_id, band FROM reporting.band_changes
      WHERE workspace_id = $1 AND occurred_at < (p.day + interval '1 day') AT TIME ZONE 'UTC'
      ORDER BY account_id, occurred_at DESC, event_id DESC
    ) b
    GROUP BY p.day, b.band ORDER BY p.day`,
});

/** Accounts' health bands over time, for the health distribution. */
@Injectable()
export class BandChangesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records band changes (a replayed one adds nothing), in the caller's transaction. */
  async insert(m: EntityManager, changes: readonly BandChange[]): Promise<void> {
    if (changes.length > 0) await m.query(sql.insert, [recordsetParam(changes)]);
  }

  /** Accounts per band at the end of each day from `from` to `to` (`step`: '1 day' or '7 days'). */
  distribution(
    workspaceId: string,
    from: string,
    to: string,
    step: '1 day' | '7 days',
  ): Promise<{ date: string; band: string | null; accounts: number }[]> {
    return this.dataSource.query(sql.distribution, [workspaceId, from, to, step]);
  }
}
