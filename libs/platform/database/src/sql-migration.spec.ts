import { QueryRunner } from 'typeorm';
import { createTable, reverseStep, schemaTableSql, sqlMigration } from './sql-migration';

/** A query runner that only records the statements it is given. */
function recordingRunner(): { runner: QueryRunner; run: string[] } {
  const run: string[] = [];
  const runner = {
    query: (sql: string) => {
      run.push(sql);
      return Promise.resolve([]);
    },
  } as unknown as QueryRunner;
  return { runner, run };
}

describe('sqlMigration', () => {
  const Example = sqlMigration('Example1700000000000', [
    { up: 'A1', down: 'A-1' },
    { up: ['B1', 'B2'], down: ['B-2', 'B-1'] },
    { up: 'C1', down: [] },
  ]);

  it('is named as given, so TypeORM records it by that name', () => {
    expect(new Example().name).toBe('Example1700000000000');
    expect(Example.name).toBe('Example1700000000000');
  });

  it('runs every step up in order', async () => {
    const { runner, run } = recordingRunner();
    await new Example().up(runner);
    expect(run).toEqual(['A1', 'B1', 'B2', 'C1']);
  });

  it('undoes the steps from the last to the first, each in its own order', async () => {
    const { runner, run } = recordingRunner();
    await new Example().down(runner);
    expect(run).toEqual(['B-2', 'B-1', 'A-1']);
  });

  it('refuses a name without its 13-digit timestamp', () => {
    expect(() => sqlMigration('Example', [])).toThrow(/timestamp/);
    expect(() => sqlMigration('1700000000000', [])).toThrow(/timestamp/);
  });
});

describe('createTable', () => {
  it('creates the table and what follows it, and drops the table it names', () => {
    const step = createTable(
      `
      CREATE TABLE s.things (
        id text PRIMARY KEY
      )`,
      'CREATE INDEX things_id ON s.things (id)',
    );
    expect(step.up).toEqual([
      `
      CREATE TABLE s.things (
        id text PRIMARY KEY
      )`,
      'CREATE INDEX things_id ON s.things (id)',
    ]);
    expect(step.down).toBe('DROP TABLE s.things');
  });

  it('refuses a statement that creates no table', () => {
    expect(() => createTable('CREATE INDEX i ON s.t (a)')).toThrow(/CREATE TABLE/);
  });
});

describe('reverseStep', () => {
  it('swaps what a step does and what undoes it', () => {
    expect(reverseStep(createTable('CREATE TABLE s.t (a int)'))).toEqual({
      up: 'DROP TABLE s.t',
      down: ['CREATE TABLE s.t (a int)'],
    });
  });
});

describe('schemaTableSql', () => {
  it('creates the named table in the quoted schema with the columns as given, and drops it', () => {
    expect(schemaTableSql('health_scoring', 'leases', '\n  name text PRIMARY KEY\n')).toEqual({
      up: 'CREATE TABLE "health_scoring".leases (\n  name text PRIMARY KEY\n)',
      down: 'DROP TABLE "health_scoring".leases',
    });
  });
});
