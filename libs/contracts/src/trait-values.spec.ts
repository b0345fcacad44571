import fc from 'fast-check';
import { includesTraitValue, sameTraitValue, traitValueKey } from './trait-values';

describe('trait values', () => {
  it.each<[string | null, string | null, boolean]>([
    ['SMB', 'smb', true],
    ['Enterprise', 'ENTERPRISE', true],
    ['École', 'école', true],
    ['smb', 'smb ', false],
    ['smb', 'mid-market', false],
    [null, null, true],
    [null, 'smb', false],
  ])('%j and %j are the same value: %s', (a, b, same) => {
    expect(sameTraitValue(a, b)).toBe(same);
    expect(sameTraitValue(b, a)).toBe(same);
  });

  it('finds a value in a list whatever its case, never null', () => {
    expect(includesTraitValue(['Enterprise', 'SMB'], 'smb')).toBe(true);
    expect(includesTraitValue(['Enterprise'], 'smb')).toBe(false);
    expect(includesTraitValue(['Enterprise'], null)).toBe(false);
  });

  it('a value and its lower case are always the same value', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(sameTraitValue(s, s.toLowerCase())).toBe(true);
        expect(traitValueKey(traitValueKey(s))).toBe(traitValueKey(s));
      }),
    );
  });
});
