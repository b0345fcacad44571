/**
 * A bigint or numeric column as a number: node-pg answers them as text. A missing value (no row,
 * or NULL) reads as 0, for sums; use `numericOrNull` where NULL means "not known".
 */
export const numeric = (value: unknown): number =>
  value === null || value === undefined ? 0 : Number(value);

/** A bigint or numeric column as a number, NULL (or no value) kept as null. */
export const numericOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
