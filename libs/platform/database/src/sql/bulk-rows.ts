/** A Postgres column type as jsonb_to_recordset declares it ('text', 'uuid', 'timestamptz', ...). */
export type RecordColumnType = string;

/**
 * The FROM item that turns one jsonb parameter (an array of objects) into rows, for bulk writes:
 * `INSERT ... SELECT r.a, r.b FROM ${recordset({ a: 'text', b: 'int' })}`. Column names are
 * the objects' keys, quoted; pass the rows with `recordsetParam`.
 */
export function recordset(
  columns: Readonly<Record<string, RecordColumnType>>,
  options: { readonly param?: number; readonly alias?: string } = {},
): string {
  const definitions = Object.entries(columns).map(([name, type]) => `${quoteIdentifier(name)} ${type}`);
  return `jsonb_to_recordset($${options.param ?? 1}::jsonb) AS ${options.alias ?? 'r'}(${definitions.join(', ')})`;
}

/** The parameter for `recordset`: the rows as one JSON array. */
export function recordsetParam(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

// Postgres's reserved key words: a column named after one must be quoted ("user", "from", "to").
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint ' +
    'create current_catalog current_date current_role current_time current_timestamp current_user default ' +
    'deferrable desc distinct do else end except false fetch for foreign from grant group having in ' +
    'initially intersect into lateral leading limit localtime localtimestamp not null offset on only or ' +
    'order placing primary references returning select session_user some symmetric system_user table ' +
    'then to trailing true union unique user using variadic when where window with'
  ).split(' '),
);

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a column name: ${name}`);
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name}"`;
}
