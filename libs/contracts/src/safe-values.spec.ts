import fc from 'fast-check';
import { findTooDeep, findUnsafeValue, unsafeStringReason } from './safe-values';

describe('unsafeStringReason', () => {
  it.each([
    ['plain', undefined],
    ['emoji 😀 paired', undefined],
    ['a\u0000b', 'nul'],
    ['\ud800', 'lone_surrogate'],
    ['x\udc00', 'lone_surrogate'],
    ['\udc00\ud800', 'lone_surrogate'],
  ])('%j → %s', (text, reason) => {
    expect(unsafeStringReason(text)).toBe(reason);
  });

  it('accepts every well-formed string without NUL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(unsafeStringReason(text.replaceAll('\u0000', ''))).toBeUndefined();
      }),
    );
  });
});

describe('findUnsafeValue', () => {
  it('names the path of the first unsafe value, keys included', () => {
    expect(findUnsafeValue({ a: [1, { b: 'x\u0000' }] }, 16)).toEqual({ path: 'a[1].b', reason: 'nul' });
    expect(findUnsafeValue({ a: { '\ud800': 1 } }, 16)).toEqual({
      path: 'a.\ud800',
      reason: 'lone_surrogate',
    });
    expect(findUnsafeValue({ mrr: Infinity }, 16)).toEqual({ path: 'mrr', reason: 'not_finite' });
    expect(findUnsafeValue([Number.NaN], 16)).toEqual({ path: '[0]', reason: 'not_finite' });
    expect(findUnsafeValue({ ok: [1, 'two', null, true, { three: 3 }] }, 16)).toBeUndefined();
  });

  it('refuses nesting deeper than the limit without walking it all', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeValue(deep, 16)).toEqual({ path: '[0]'.repeat(16), reason: 'too_deep' });
    expect(findUnsafeValue({ a: { b: {} } }, 3)).toBeUndefined();
    expect(findUnsafeValue({ a: { b: {} } }, 2)).toEqual({ path: 'a.b', reason: 'too_deep' });
  });
});

describe('findTooDeep', () => {
  it('names the first value nested past the limit, and nothing else', () => {
    expect(findTooDeep({ a: [{ b: {} }] }, 3)).toBe('a[0].b');
    expect(findTooDeep({ a: [{ b: 'x\u0000' }] }, 3)).toBeUndefined();
    expect(findTooDeep('plain', 0)).toBeUndefined();
  });

  it('agrees with findUnsafeValue on depth, bounded whatever the input', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTooDeep(deep, 32)).toBe(`${'[0]'.repeat(32)}`);
    expect(findUnsafeValue(deep, 32)).toEqual({ path: '[0]'.repeat(32), reason: 'too_deep' });
  });
});
