/**
 * A new object with only the named fields of `source`, in the order named: what an API answer or a
 * stored document keeps of a larger record, whatever else the record carried.
 */
export function pickFields<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = source[key];
  return picked;
}
