import fc from 'fast-check';
import { firstOfEachId } from './inbox';

describe('firstOfEachId', () => {
  it('keeps the first copy of a repeated id, in the order given', () => {
    const events = [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
      { id: 'a', n: 3 },
      { id: 'c', n: 4 },
      { id: 'b', n: 5 },
    ];
    expect(firstOfEachId(events).map((e) => e.n)).toEqual([1, 2, 4]);
  });

  it('keeps each id exactly once and the order of first appearance', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 40 }), (ids) => {
        const events = ids.map((id, position) => ({ id, position }));
        const kept = firstOfEachId(events);
        expect(kept.map((e) => e.id)).toEqual([...new Set(ids)]);
        for (const e of kept) expect(e.position).toBe(ids.indexOf(e.id));
      }),
    );
  });
});
