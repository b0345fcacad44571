type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** Who holds a lock, as pg_stat_activity tells it. */
export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly since: Date | null;
  readonly state: string | null;
}

export enum MigrationLockErrorCode {
  LockTimeout = 'MIGRATION_LOCK_TIMEOUT',
}

/** The migration lock of a schema was not free within the wait allowed. */
export class MigrationLockTimeoutError extends Error {
  override readonly name = 'MigrationLockTimeoutError';
  readonly code = MigrationLockErrorCode.LockTimeout;

  constructor(
    readonly schema: string,
    readonly waitedMs: number,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `the migration lock of schema ${schema} was not free within ${waitedMs} ms; ${
        holder ? `held by ${describeHolder(holder)}` : 'its holder has gone by now'
      }`,
    );
  }
}

/** "tsuzuku-ingestion-migrate (pid 4242, from 10.0.0.7, since 2026-…, state idle)"; never the SQL, which may hold data. */
export function describeHolder(holder: LockHolder): string {
  const parts = [
    `pid ${holder.pid}`,
    `from ${holder.clientAddress ?? 'a local socket'}`,
    holder.since ? `since ${holder.since.toISOString()}` : undefined,
    holder.state ? `state ${holder.state}` : undefined,
  ].filter(Boolean);
  return `${holder.applicationName || 'an unnamed client'} (${parts.join(', ')})`;
}

/**
 * The session-level advisory lock that lets one instance at a time migrate a schema. The wait
 * for it is bounded, so a migration that hangs elsewhere makes the others fail with its holder
 * named instead of waiting forever, silently.
 */
export class MigrationLock {
  private held = false;

  constructor(
    private readonly query: Query,
    readonly schema: string,
  ) {}

  private get key(): string {
    return `tsuzuku-migrate:${this.schema}`;
  }

  /**
   * Takes the lock, polling pg_try_advisory_lock; every `reportEveryMs` while it waits, reports who
   * holds it. Fails with MigrationLockTimeoutError, naming the holder, once `timeoutMs` passed.
   */
  async acquire(
    timeoutMs: number,
    onWait: (holder: LockHolder | undefined, waitedMs: number) => void = () => undefined,
    { pollMs = 250, reportEveryMs = 5_000 } = {},
  ): Promise<void> {
    const started = Date.now();
    let reported = started;
    for (;;) {
      const [{ locked }] = (await this.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        this.key,
      ])) as [{ locked: boolean }];
      if (locked) {
        this.held = true;
        return;
      }
      const now = Date.now();
      if (now - started >= timeoutMs)
        throw new MigrationLockTimeoutError(this.schema, now - started, await this.holder());
      if (now - reported >= reportEveryMs) {
        reported = now;
        onWait(await this.holder(), now - started);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, timeoutMs - (now - started))));
    }
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.query('SELECT pg_advisory_unlock(hashtext($1))', [this.key]).catch(() => undefined);
  }

  /** The session that holds the lock now, if any. */
  async holder(): Promise<LockHolder | undefined> {
    // pg_locks splits a bigint advisory key into classid (high 32 bits) and objid (low 32 bits).
    const rows = (await this.query(
      `SELECT a.pid, a.application_name, host(a.client_addr) AS client_address,
              coalesce(a.xact_start, a.backend_start) AS since, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND l.classid::bigint = ((hashtext($1)::bigint >> 32) & 4294967295)
         AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)
       LIMIT 1`,
      [this.key],
    )) as {
      pid: number;
      application_name: string;
      client_address: string | null;
      since: Date | null;
      state: string | null;
    }[];
    const row = rows[0];
    if (!row) return undefined;
    return {
      pid: row.pid,
      applicationName: row.application_name,
      clientAddress: row.client_address,
      since: row.since,
      state: row.state,
    };
  }
}
