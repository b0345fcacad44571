import { keyArrays } from './key-arrays';

describe('keyArrays', () => {
  it('answers the workspaces and the account ids, in the order of the keys', () => {
    const keys = [
      { workspaceId: 'w2', accountId: 'a', name: 'kept out' },
      { workspaceId: 'w1', accountId: 'b' },
    ];
    expect(keyArrays(keys)).toEqual([
      ['w2', 'w1'],
      ['a', 'b'],
    ]);
  });

  it('answers two empty arrays for no keys', () => {
    expect(keyArrays([])).toEqual([[], []]);
  });
});
