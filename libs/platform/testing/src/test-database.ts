import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { waitFor } from './wait-for';

/** A database of its own for one test file, dropped by `drop()`. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates an empty database named after the test; nothing in it until the service migrates. */
export async function createTestDatabase(
  label: string,
  baseUrl = process.env['DATABASE_URL'],
): Promise<TestDatabase> {
  if (!baseUrl)
    throw new Error('DATABASE_URL is not set: run the tests through jest (its global setup sets it)');
  const name = `tsuzuku_it_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(baseUrl, name);
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    url,
    name,
    async query<T>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async drop() {
      await client.end();
      const a = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Waits until a query returns exactly `count` rows (one unless told); `what` names it in a timeout. */
export function waitForRows(
  db: Pick<TestDatabase, 'query'>,
  sql: string,
  params: unknown[],
  {
    count = 1,
    what = `${count} row(s) of ${sql}`,
    timeoutMs,
  }: { count?: number; what?: string; timeoutMs?: number } = {},
): Promise<boolean> {
  return waitFor(async () => (await db.query(sql, params)).length === count, { what, timeoutMs });
}
