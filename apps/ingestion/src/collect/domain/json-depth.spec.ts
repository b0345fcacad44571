import fc from 'fast-check';
import { jsonNestsDeeperThan } from './json-depth';

/** The nesting depth of a parsed JSON value, counted the slow, obvious way. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('jsonNestsDeeperThan', () => {
  it.each([
    ['{}', 1, false],
    ['{}', 0, true],
    ['{"a":[1,{"b":2}]}', 3, false],
    ['{"a":[1,{"b":2}]}', 2, true],
    ['"[[[[[["', 1, false],
    ['{"k\\"[[[":"\\\\"}', 1, false],
    ['[[], [], []]', 2, false],
  ])('%s within %i levels: deeper %s', (text, max, deeper) => {
    expect(jsonNestsDeeperThan(text, max)).toBe(deeper);
  });

  it('finds a body nested 100,000 levels deep without parsing it', () => {
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonNestsDeeperThan(text, 64)).toBe(true);
  });

  it('agrees with the depth of what JSON.parse makes of it', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(jsonNestsDeeperThan(text, max)).toBe(depthOf(JSON.parse(text)) > max);
      }),
    );
  });
});
