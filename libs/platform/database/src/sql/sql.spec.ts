import {
  affectedCount,
  declaredRepositories,
  defineStatements,
  numeric,
  numericOrNull,
  recordset,
  recordsetParam,
  renderStatements,
  returnedRows,
} from '.';

describe('SQL repository helpers', () => {
  it('renders declared statements sorted by name, trimmed and dedented', () => {
    defineStatements('spec.things', {
      byId: `
        SELECT id
          FROM spec.things
         WHERE id = $1   `,
      all: 'SELECT id FROM spec.things',
    });
    expect(declaredRepositories('spec.')).toEqual(['spec.things']);
    const text = renderStatements('spec.things');
    expect(text.indexOf('-- spec.things.all')).toBeLessThan(text.indexOf('-- spec.things.byId'));
    expect(text).toContain('SELECT id\n  FROM spec.things\n WHERE id = $1;\n');
    defineStatements('spec.inline', {
      a: `SELECT id
         FROM spec.things`,
    });
    expect(renderStatements('spec.inline')).toContain('SELECT id\nFROM spec.things;');
  });

  it('refuses two different declarations under one repository name', () => {
    defineStatements('spec.twice', { a: 'SELECT 1' });
    expect(() => defineStatements('spec.twice', { a: 'SELECT 2' })).toThrow(/declared twice/);
    expect(() => defineStatements('spec.twice', { a: 'SELECT 1' })).not.toThrow();
  });

  it('builds a recordset FROM item with quoted camel-case columns', () => {
    expect(recordset({ id: 'uuid', workspaceId: 'text' }, { param: 2, alias: 'x' })).toBe(
      'jsonb_to_recordset($2::jsonb) AS x(id uuid, "workspaceId" text)',
    );
    expect(() => recordset({ 'a; DROP': 'text' })).toThrow(/not a column name/);
    expect(recordset({ user: 'text', from: 'date', days: 'int' })).toBe(
      'jsonb_to_recordset($1::jsonb) AS r("user" text, "from" date, days int)',
    );
    expect(JSON.parse(recordsetParam([{ id: 1 }]))).toEqual([{ id: 1 }]);
  });

  it('reads rows and counts from every shape TypeORM answers', () => {
    const rows = [{ id: 1 }, { id: 2 }];
    expect(returnedRows(rows)).toBe(rows);
    expect(returnedRows([rows, 2])).toBe(rows);
    expect(returnedRows([[], 0])).toEqual([]);
    expect(affectedCount([[], 3])).toBe(3);
    expect(affectedCount(rows)).toBe(2);
    expect(() => returnedRows(undefined)).toThrow();
  });

  it('reads bigint and numeric text as numbers, a missing value as 0 or null', () => {
    expect(numeric('12345678901')).toBe(12345678901);
    expect(numeric('-2.5')).toBe(-2.5);
    expect(numeric(null)).toBe(0);
    expect(numeric(undefined)).toBe(0);
    expect(numericOrNull('7')).toBe(7);
    expect(numericOrNull(null)).toBeNull();
    expect(numericOrNull(undefined)).toBeNull();
  });
});
