import { pickFields } from './pick-fields';

describe('pickFields', () => {
  it('keeps only the named fields, in the order named', () => {
    const picked = pickFields({ a: 1, b: 'two', c: true, d: null }, ['d', 'a']);
    expect(picked).toEqual({ d: null, a: 1 });
    expect(Object.keys(picked)).toEqual(['d', 'a']);
  });

  it('copies a named field that is undefined as undefined', () => {
    const source: { a?: number; b: number } = { b: 2 };
    expect(pickFields(source, ['a', 'b'])).toStrictEqual({ a: undefined, b: 2 });
  });
});
