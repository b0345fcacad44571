import { EntityManager } from 'typeorm';

/** Rows as JSON for `jsonb_to_recordset`: one parameter however many rows. */
export const asJson = (rows: readonly object[]): string => JSON.stringify(rows);

/** Postgres bigint / numeric (text in node-pg) to a number. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** Serialises writes to a workspace's read models that read before they write. */
export async function lockWorkspace(
  m: EntityManager,
  scope: string,
  workspaceIds: Iterable<string>,
): Promise<void> {
  for (const ws of [...new Set(workspaceIds)].sort())
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reporting.${scope}:${ws}`]);
}

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
