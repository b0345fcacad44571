/** Readers of the values Postgres answers (numerics as strings, timestamps as Dates), for repositories. */

export const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const isoOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();

export const dayOrNull = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
};

/** The account key of a row answered with workspace_id and account_id columns. */
export const rowKey = (r: Record<string, unknown>): string =>
  `${r['workspace_id'] as string}\u0000${r['account_id'] as string}`;
