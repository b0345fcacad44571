import { keyOf, sortedKeys } from './account-key';

describe('account keys', () => {
  it('tells apart accounts that share a name across workspaces', () => {
    expect(keyOf({ workspaceId: 'w1', accountId: 'a' })).not.toBe(
      keyOf({ workspaceId: 'w2', accountId: 'a' }),
    );
    // The separator cannot be forged by concatenation.
    expect(keyOf({ workspaceId: 'w', accountId: '1a' })).not.toBe(
      keyOf({ workspaceId: 'w1', accountId: 'a' }),
    );
  });

  it('sorts keys by workspace then account, once each, whatever order they come in', () => {
    const keys = [
      { workspaceId: 'w2', accountId: 'a' },
      { workspaceId: 'w1', accountId: 'b' },
      { workspaceId: 'w1', accountId: 'a' },
      { workspaceId: 'w1', accountId: 'b' },
    ];
    const sorted = sortedKeys(keys);
    expect(sorted.map(keyOf)).toEqual([...new Set(keys.map(keyOf))].sort((a, b) => (a < b ? -1 : 1)));
    expect(sorted).toHaveLength(3);
    expect(sortedKeys([...keys].reverse())).toEqual(sorted);
  });

  it('answers plain keys, without the extra fields it was given', () => {
    const [k] = sortedKeys([{ workspaceId: 'w', accountId: 'a', extra: 1 } as never]);
    expect(Object.keys(k!)).toEqual(['workspaceId', 'accountId']);
  });
});
