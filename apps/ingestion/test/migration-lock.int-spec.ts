import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  MigrationLockTimeoutError,
  migrate,
  migrationStatus,
  serviceDataSourceOptions,
} from '@tsuzuku/platform-database';
import { createTestDatabase, TestDatabase } from '@tsuzuku/platform-testing';
import { ingestionDatabase } from '../src/database/ingestion.database';

const LOCK_KEY = `tsuzuku-migrate:${ingestionDatabase.schema}`;
// The migrations' names, as the service registers them, oldest first.
const names = (ingestionDatabase.migrations as readonly { name: string }[]).map(
  (migration) => migration.name,
);

describe('migrations: a bounded wait for the lock, naming its holder; migrate status', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];
  const dataSource = () => {
    const source = new DataSource(
      serviceDataSourceOptions(
        { DATABASE_URL: db.url, DATABASE_POOL_SIZE: 2 },
        ingestionDatabase,
        'tsuzuku-lock-test',
      ),
    );
    sources.push(source);
    return source;
  };

  beforeAll(async () => {
    db = await createTestDatabase('migration_lock');
  });

  afterAll(async () => {
    for (const source of sources) if (source.isInitialized) await source.destroy();
    await db?.drop();
  });

  it('fails after the timeout naming the session that holds the lock, reports it while waiting, and migrates once it is free', async () => {
    expect(await migrationStatus(dataSource(), ingestionDatabase.schema)).toEqual({
      schema: ingestionDatabase.schema,
      applied: [],
      pending: names,
    });
    const holder = new Client({ connectionString: db.url, application_name: 'tsuzuku-hung-migration' });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
      const reports: string[] = [];
      const started = Date.now();
      const failure = await migrate(dataSource(), db.url, ingestionDatabase.schema, {
        lockTimeoutMs: 6_000,
        onLockWait: (who) => reports.push(who?.applicationName ?? 'nobody'),
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(MigrationLockTimeoutError);
      const error = failure as MigrationLockTimeoutError;
      expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
      expect(error.holder).toMatchObject({ pid, applicationName: 'tsuzuku-hung-migration' });
      expect(error.message).toContain(`held by tsuzuku-hung-migration (pid ${pid}`);
      expect(reports).toContain('tsuzuku-hung-migration');
      // Nothing was applied while it waited.
      expect((await migrationStatus(dataSource(), ingestionDatabase.schema)).applied).toEqual([]);

      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]);
      expect(await migrate(dataSource(), db.url, ingestionDatabase.schema, { lockTimeoutMs: 6_000 })).toEqual(
        names,
      );
      expect(await migrationStatus(dataSource(), ingestionDatabase.schema)).toEqual({
        schema: ingestionDatabase.schema,
        applied: names,
        pending: [],
      });
    } finally {
      await holder.end();
    }
  });
});
