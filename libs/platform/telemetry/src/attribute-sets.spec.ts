import { AttributeSets } from './attribute-sets';

describe('AttributeSets', () => {
  it('builds a key set once and answers the same object after', () => {
    const sets = new AttributeSets();
    const build = jest.fn(() => ({ 'error.type': 'x' }));
    const first = sets.of('x', build);
    expect(sets.of('x', build)).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
    expect(first).toEqual({ 'error.type': 'x' });
  });

  it('keeps one set per key', () => {
    const sets = new AttributeSets();
    expect(sets.of('a', () => ({ k: 'a' }))).toEqual({ k: 'a' });
    expect(sets.of('b', () => ({ k: 'b' }))).toEqual({ k: 'b' });
    expect(sets.of('a', () => ({ k: 'other' }))).toEqual({ k: 'a' });
  });
});
