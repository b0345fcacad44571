import { DataSource } from 'typeorm';
import { ServiceDatabase, migrate, serviceDataSourceOptions } from '@tsuzuku/platform-database';
import { TestDatabase, createTestDatabase } from './test-database';

/** A service's schema on a database of its own, migrated with the real migrations: for medium tests. */
export interface MigratedDatabase {
  readonly db: TestDatabase;
  readonly dataSource: DataSource;
  /** Closes the data source and drops the database. */
  close(): Promise<void>;
}

/**
 * Creates a test database and applies one service's migrations to it, for the tests that run a
 * service's engine with its real repositories: no HTTP, no Kafka, no Nest application.
 */
export async function createMigratedDatabase(
  label: string,
  database: ServiceDatabase,
): Promise<MigratedDatabase> {
  const db = await createTestDatabase(label);
  const dataSource = new DataSource(
    serviceDataSourceOptions({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 4 }, database, `medium-${label}`),
  );
  await migrate(dataSource, db.url, database.schema);
  return {
    db,
    dataSource,
    async close() {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
