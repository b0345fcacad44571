import { DataSource } from 'typeorm';
import { quoteIdent } from '../ensure-database';
import { schemaTableSql } from '../sql-migration';

/** SQL of the lease table a service keeps in its own schema: one row per once-per-cluster job. */
export function leaseTableSql(schema: string): { up: string; down: string } {
  return schemaTableSql(
    schema,
    'leases',
    `
      name text PRIMARY KEY,
      holder text NOT NULL,
      expires_at timestamptz NOT NULL
    `,
  );
}

/**
 * Leases on rows of `<schema>.leases`, timed by the database's clock only (no clock of a replica
 * is compared with another's). A lease is taken when free or expired and renewed by its holder;
 * a holder that dies stops renewing and its lease expires after the TTL.
 */
export class LeaseStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  /** Takes or renews the lease for `ttlMs`; true when `holder` holds it afterwards. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO ${quoteIdent(this.schema)}.leases AS l (name, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE l.holder = excluded.holder OR l.expires_at < clock_timestamp()
       RETURNING holder`,
      [name, holder, ttlMs],
    );
    return rows.length > 0;
  }

  /** Gives the lease up at once (a graceful stop), so another replica need not wait for the TTL. */
  async release(name: string, holder: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM ${quoteIdent(this.schema)}.leases WHERE name = $1 AND holder = $2`,
      [name, holder],
    );
  }
}
