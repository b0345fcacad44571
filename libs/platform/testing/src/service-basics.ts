import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ServiceDatabase, revertLastMigration, serviceDataSourceOptions } from '@tsuzuku/platform-database';
import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { createTestDatabase, TestDatabase } from './test-database';
import { RunningTestService, startTestService } from './test-service';
import { startBuiltService } from './built-service';
import { runBuiltScript } from '@tsuzuku/demo';
import { waitFor } from './wait-for';

/**
 * What every service must do, checked against the real Kafka and Postgres: probes, OpenAPI
 * document, its own schema migrated (and reverted) with nothing else touched, a bad variable
 * stopping it with one line, and a clean exit on SIGTERM.
 */
export function describeServiceBasics<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  database: ServiceDatabase,
): void {
  describe(`${definition.name}: service basics`, () => {
    let db: TestDatabase;
    let service: RunningTestService<C>;

    beforeAll(async () => {
      db = await createTestDatabase(definition.name);
      service = await startTestService(definition, { DATABASE_URL: db.url });
    });

    afterAll(async () => {
      await service?.close();
      await db?.drop();
    });

    it('is live, and ready when Kafka and Postgres answer', async () => {
      const live = await fetch(`${service.url}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${service.url}/health/ready`);
      const body = (await ready.json()) as { status: string; details: Record<string, { status: string }> };
      expect(ready.status).toBe(200);
      expect(body.details['kafka']?.status).toBe('up');
      expect(body.details['database']?.status).toBe('up');
    });

    it('serves its OpenAPI document at /docs', async () => {
      const page = await fetch(`${service.url}/docs`);
      expect(page.status).toBe(200);
      const document = (await (await fetch(`${service.url}/docs/openapi.json`)).json()) as {
        info: { title: string };
        paths: Record<string, unknown>;
      };
      expect(document.info.title).toContain(definition.name);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    });

    it(`migrated only its own schema (${database.schema}), with its own migrations table`, async () => {
      const schemas = await db.query<{ schema_name: string }>(
        "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ('public', 'information_schema') AND schema_name NOT LIKE 'pg_%'",
      );
      expect(schemas.map((s) => s.schema_name)).toEqual([database.schema]);
      const migrations = await db.query<{ name: string }>(`SELECT name FROM "${database.schema}".migrations`);
      expect(migrations.length).toBe(Array.isArray(database.migrations) ? database.migrations.length : 0);
    });

    it('reverts every migration, leaving only the migrations table', async () => {
      const reverter = await createTestDatabase(`${definition.name}_revert`);
      const dataSource = new DataSource(
        serviceDataSourceOptions(
          { DATABASE_URL: reverter.url, DATABASE_POOL_SIZE: 2 },
          database,
          'revert-test',
        ),
      );
      try {
        const { migrate } = await import('@tsuzuku/platform-database');
        const applied = await migrate(dataSource, reverter.url, database.schema);
        expect(applied.length).toBeGreaterThan(0);
        for (let i = 0; i < applied.length; i++) await revertLastMigration(dataSource);
        const tables = await reverter.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [database.schema],
        );
        expect(tables.map((t) => t.table_name)).toEqual(['migrations']);
        // And forward again, as a redeploy would.
        expect(await migrate(dataSource, reverter.url, database.schema)).toEqual(applied);
      } finally {
        if (dataSource.isInitialized) await dataSource.destroy();
        await reverter.drop();
      }
    });

    it('stops at boot with one JSON log line naming a malformed variable', async () => {
      const outcome = await runBuiltScript(definition.name, 'main.js', [], {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: 'kafka-without-port',
      });
      expect(outcome.code).toBe(1);
      const lines = `${outcome.stdout}${outcome.stderr}`.trim().split('\n');
      expect(lines).toHaveLength(1);
      const entry = JSON.parse(lines[0]!) as { level: number; service: string; msg: string };
      expect(entry).toMatchObject({ level: 60, service: definition.name });
      expect(entry.msg).toMatch(/^[a-z-]+: invalid configuration: KAFKA_BROKERS/);
    });

    it('exits cleanly on SIGTERM after serving', async () => {
      const running = await startBuiltService(definition.name, { DATABASE_URL: db.url });
      const ready = await waitFor(async () => {
        const response = await fetch(`${running.url}/health/ready`);
        return response.ok ? response : undefined;
      });
      expect(ready.status).toBe(200);
      expect(await running.stop()).toBe(0);
    });
  });
}
