/** Which account: its workspace and its id there. */
export interface AccountKey {
  readonly workspaceId: string;
  readonly accountId: string;
}

/** One string per account, for maps. */
export const keyOf = (k: AccountKey): string => `${k.workspaceId}\u0000${k.accountId}`;

/** Keys in one order everywhere, so concurrent transactions lock rows in the same order. */
export function sortedKeys(keys: Iterable<AccountKey>): AccountKey[] {
  const unique = new Map<string, AccountKey>();
  for (const k of keys) unique.set(keyOf(k), { workspaceId: k.workspaceId, accountId: k.accountId });
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}
