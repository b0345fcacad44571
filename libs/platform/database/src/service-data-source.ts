import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DatabaseLogger } from './database-logger';
import { ensureDatabase, quoteIdent } from './ensure-database';

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
}

/** One data source per schema: no synchronize, its own migrations table inside the schema. */
export function serviceDataSourceOptions(
  settings: DatabaseConnectionSettings,
  database: ServiceDatabase,
  applicationName: string,
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
    extra: { max: settings.DATABASE_POOL_SIZE, connectionTimeoutMillis: 5_000 },
  };
}

/**
 * Applies the pending migrations of one schema, creating the database and the schema first when
 * missing. Holds an advisory lock so two instances starting at once do not both migrate.
 */
export async function migrate(
  dataSource: DataSource,
  databaseUrl: string,
  schema: string,
): Promise<string[]> {
  if (!dataSource.isInitialized) {
    await ensureDatabase(databaseUrl);
    await dataSource.initialize();
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`tsuzuku-migrate:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`tsuzuku-migrate:${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
}

/** Reverts the last applied migration of one schema. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  await dataSource.undoLastMigration({ transaction: 'each' });
}
