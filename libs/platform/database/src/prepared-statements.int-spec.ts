import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions } from './service-data-source';
import { defineStatements } from './sql';

const sql = defineStatements('test.prepared-statements', {
  thing: 'SELECT t.* FROM prep_test.things t WHERE t.id = $1',
  preparedHere: `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1 AND NOT from_sql`,
});

const baseUrl = () => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest');
  return url;
};
const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Asks Postgres, on the pool's only connection, whether the statement is prepared there. */
const preparedOnConnection = async (dataSource: DataSource, text: string) =>
  ((await dataSource.query(sql.preparedHere, [text])) as { n: number }[])[0]!.n > 0;

describe('declared statements as prepared statements, on a real Postgres', () => {
  const name = `tsuzuku_it_prepared_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase(baseUrl(), 'postgres') });
  const sources: DataSource[] = [];

  const connect = async (prepare: boolean | undefined) => {
    const dataSource = new DataSource(
      serviceDataSourceOptions(
        {
          DATABASE_URL: withDatabase(baseUrl(), name),
          DATABASE_POOL_SIZE: 1,
          DATABASE_PREPARED_STATEMENTS: prepare,
        },
        { schema: 'prep_test', entities: [], migrations: [] },
        'prepared-statements-test',
      ),
    );
    sources.push(await dataSource.initialize());
    return dataSource;
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const setup = new Client({ connectionString: withDatabase(baseUrl(), name) });
    await setup.connect();
    await setup.query(`CREATE SCHEMA prep_test; CREATE TABLE prep_test.things (id int PRIMARY KEY, label text);
      INSERT INTO prep_test.things VALUES (1, 'one')`);
    await setup.end();
  });

  afterAll(async () => {
    for (const s of sources) if (s.isInitialized) await s.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('prepares a declared statement once per connection, and no other text', async () => {
    const dataSource = await connect(undefined);
    expect(await dataSource.query(sql.thing, [1])).toEqual([{ id: 1, label: 'one' }]);
    expect(await preparedOnConnection(dataSource, sql.thing)).toBe(true);
    const undeclared = 'SELECT label FROM prep_test.things WHERE id = $1';
    expect(await dataSource.query(undeclared, [1])).toEqual([{ label: 'one' }]);
    expect(await preparedOnConnection(dataSource, undeclared)).toBe(false);
    await dataSource.destroy();
  });

  it('runs a statement unnamed on its connection once a migration changed its result columns', async () => {
    const dataSource = await connect(true);
    expect(await dataSource.query(sql.thing, [1])).toEqual([{ id: 1, label: 'one' }]);
    const ddl = new Client({ connectionString: withDatabase(baseUrl(), name) });
    await ddl.connect();
    await ddl.query('ALTER TABLE prep_test.things ADD COLUMN note text');
    await ddl.end();
    // The prepared form cannot answer with another row type: that call fails, the next is unnamed.
    await expect(dataSource.query(sql.thing, [1])).rejects.toMatchObject({ code: '0A000' });
    expect(await dataSource.query(sql.thing, [1])).toEqual([{ id: 1, label: 'one', note: null }]);
    expect(await dataSource.query(sql.thing, [1])).toEqual([{ id: 1, label: 'one', note: null }]);
    await dataSource.destroy();
  });

  it('prepares nothing when DATABASE_PREPARED_STATEMENTS is off', async () => {
    const dataSource = await connect(false);
    expect(await dataSource.query(sql.thing, [1])).toHaveLength(1);
    expect(await preparedOnConnection(dataSource, sql.thing)).toBe(false);
    await dataSource.destroy();
  });
});
