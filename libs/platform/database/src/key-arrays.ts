/**
 * The two arrays a statement unnests for a list of accounts (`unnest($1::text[], $2::text[])`):
 * their workspaces and their ids, in the keys' order.
 */
export const keyArrays = (
  keys: readonly { readonly workspaceId: string; readonly accountId: string }[],
): [string[], string[]] => [keys.map((k) => k.workspaceId), keys.map((k) => k.accountId)];
