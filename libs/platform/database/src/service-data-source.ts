import { Client, ClientConfig } from 'pg';
import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DatabaseLogger } from './database-logger';
import { ensureDatabase, quoteIdent } from './ensure-database';
import { LockHolder, MigrationLock } from './migration-lock';
import { preparedStatementName } from './sql/sql-catalog';

// TypeORM's own types for lists of entity and migration classes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type MigrationList = MixedList<Function | string>;

/** What a service declares about its database: its own schema, entities and migrations. */
export interface ServiceDatabase {
  /** The Postgres schema the service owns, e.g. health_scoring. */
  readonly schema: string;
  readonly entities: EntityList;
  readonly migrations: MigrationList;
  /** The schema has an outbox table (outboxTableSql) that the platform's relay publishes. */
  readonly outbox?: boolean;
}

export interface DatabaseConnectionSettings {
  readonly DATABASE_URL: string;
  readonly DATABASE_POOL_SIZE: number;
  /** Declared statements as named prepared statements (ServiceConfig; on when left out). */
  readonly DATABASE_PREPARED_STATEMENTS?: boolean;
}

/** Called when a connection of the pool is lost (server restart, failover, terminated backend). */
export type ConnectionErrorListener = (error: Error) => void;

/**
 * A pg Client that always has an 'error' listener. pg-pool listens only to idle clients: a
 * checked-out client (a transaction waiting on Kafka, a query in flight) that loses its server
 * emits 'error' with no listener, and Node ends the process. With this one the error is reported,
 * the client is unusable, and the pool drops it when it is released. With `prepare`, it also runs
 * the declared statements prepared (see its query).
 */
export function clientReportingErrors(
  onError: ConnectionErrorListener,
  options: { readonly prepare?: boolean } = {},
): typeof Client {
  const prepare = options.prepare ?? false;
  return class ReportingClient extends Client {
    /** Prepared statements of this connection that Postgres can no longer run (see query). */
    private readonly stale = new Set<string>();

    constructor(config?: string | ClientConfig) {
      super(config);
      this.on('error', onError);
    }

    /**
     * A declared statement with parameters runs as a named prepared statement (see
     * preparedStatementName); anything else as pg would run it. A statement whose result columns
     * follow a table (`SELECT a.*`) fails once on each connection that prepared it before a
     * migration changed that table ("cached plan must not change result type"): from then on,
     * this connection runs it unnamed.
     */
    override query(...args: unknown[]): never {
      const [text, values] = args;
      const name =
        prepare && typeof text === 'string' && Array.isArray(values) && values.length > 0
          ? preparedStatementName(text)
          : undefined;
      const run = Client.prototype.query as (...a: unknown[]) => never;
      if (name === undefined || this.stale.has(name) || args.length > 2) return run.apply(this, args);
      const answer = run.call(this, { name, text, values }) as Promise<unknown>;
      return answer.catch((error: unknown) => {
        if (isResultTypeChange(error)) this.stale.add(name);
        throw error;
      }) as never;
    }
  };
}

/** Postgres refuses to run a prepared statement whose result columns a migration changed. */
function isResultTypeChange(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e.code === '0A000' && typeof e.message === 'string' && e.message.includes('must not change result type')
  );
}

/** One data source per schema: no synchronize, its own migrations table inside the schema. */
export function serviceDataSourceOptions(
  settings: DatabaseConnectionSettings,
  database: ServiceDatabase,
  applicationName: string,
  onConnectionError: ConnectionErrorListener = () => undefined,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.DATABASE_URL,
    schema: database.schema,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName,
    logger: new DatabaseLogger(),
    extra: {
      max: settings.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      Client: clientReportingErrors(onConnectionError, {
        prepare: settings.DATABASE_PREPARED_STATEMENTS ?? true,
      }),
    },
  };
}

export interface MigrateOptions {
  /** How long to wait for another instance's migration before failing (MIGRATION_LOCK_TIMEOUT_MS). */
  readonly lockTimeoutMs?: number;
  /** Told every few seconds, while it waits, who holds the lock. */
  readonly onLockWait?: (holder: LockHolder | undefined, waitedMs: number) => void;
}

/**
 * Applies the pending migrations of one schema, creating the database and the schema first when
 * missing. Holds an advisory lock so two instances starting at once do not both migrate; waits for
 * it at most `lockTimeoutMs`, then fails naming the session that holds it.
 */
export async function migrate(
  dataSource: DataSource,
  databaseUrl: string,
  schema: string,
  { lockTimeoutMs = 30_000, onLockWait }: MigrateOptions = {},
): Promise<string[]> {
  if (!dataSource.isInitialized) {
    await ensureDatabase(databaseUrl, (dataSource.options as { applicationName?: string }).applicationName);
    await dataSource.initialize();
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lock = new MigrationLock((sql, params) => runner.query(sql, params), schema);
  try {
    await lock.acquire(lockTimeoutMs, onLockWait);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.release();
    await runner.release();
  }
}

/** Reverts the last applied migration of one schema. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  await dataSource.undoLastMigration({ transaction: 'each' });
}

export interface MigrationStatus {
  readonly schema: string;
  readonly applied: readonly string[];
  readonly pending: readonly string[];
}

/** Which of the service's migrations the schema has, and which it still lacks. */
export async function migrationStatus(dataSource: DataSource, schema: string): Promise<MigrationStatus> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  const [{ exists }] = (await dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
    `${quoteIdent(schema)}.migrations`,
  ])) as [{ exists: boolean }];
  const done: { name: string }[] = exists
    ? await dataSource.query(`SELECT name FROM ${quoteIdent(schema)}.migrations ORDER BY id`)
    : [];
  const applied = new Set(done.map((row) => row.name));
  const known = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  return {
    schema,
    applied: done.map((row) => row.name),
    pending: known.filter((name) => !applied.has(name)),
  };
}
