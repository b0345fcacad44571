import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

// The database's clock, not the replica's: every replica measures expiry against the same time.
const SQL = defineStatements('ingestion.replicas', {
  heartbeat: `
    WITH seen AS (
      INSERT INTO ingestion.instances (id, seen_at) VALUES ($1, now())
      ON CONFLICT (id) DO UPDATE SET seen_at = now()
    ), forgotten AS (
      DELETE FROM ingestion.instances WHERE seen_at < now() - make_interval(secs => $2::float8 * 10 / 1000)
    )
    SELECT 1 + count(*)::int AS live FROM ingestion.instances
    WHERE id <> $1 AND seen_at >= now() - make_interval(secs => $2::float8 / 1000)`,
  remove: `DELETE FROM ingestion.instances WHERE id = $1`,
});

/** The ingestion.instances table: one row per live replica, refreshed by its heartbeat. */
@Injectable()
export class ReplicasRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Marks this replica seen now, forgets replicas not seen for ten expiries, and counts those
   * seen within `expiryMs` (this one included), in one statement.
   */
  async heartbeat(id: string, expiryMs: number): Promise<number> {
    const [row] = returnedRows<{ live: number }>(await this.dataSource.query(SQL.heartbeat, [id, expiryMs]));
    return row!.live;
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.query(SQL.remove, [id]);
  }
}
