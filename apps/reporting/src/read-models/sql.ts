/** Rows as JSON for `jsonb_to_recordset`: one parameter however many rows. */
export const asJson = (rows: readonly object[]): string => JSON.stringify(rows);

/** Postgres bigint / numeric (text in node-pg) to a number. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** '' stands for "not set" in slice columns (they are part of keys). */
export const sliceValue = (value: string | null): string => value ?? '';

/** Items grouped by a key, each group in the items' order. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
