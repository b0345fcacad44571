/**
 * How Tsuzuku compares the values of account traits that select accounts (segment, plan, owner):
 * without regard to case, so "SMB", "Smb" and "smb" are one segment wherever a scorecard, a rule
 * scope, a playbook audience, a channel or a report filter names it. Values are kept as sent; SQL
 * compares `lower(column) = lower($n)` (Postgres' lower case of the database's ctype, the same as
 * JavaScript's for the scripts traits are written in).
 */

/** The form two trait values are compared in: their lower case; null stays null. */
export function traitValueKey(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toLowerCase();
}

/** Whether two trait values are the same value (case-insensitively; null equals only null). */
export function sameTraitValue(a: string | null | undefined, b: string | null | undefined): boolean {
  return traitValueKey(a) === traitValueKey(b);
}

/** Whether `value` is one of `values`, compared as trait values are. */
export function includesTraitValue(values: readonly string[], value: string | null | undefined): boolean {
  const key = traitValueKey(value);
  return key !== null && values.some((v) => traitValueKey(v) === key);
}
