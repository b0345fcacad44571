import fc from 'fast-check';
import { CursorCodec, cursorField } from './cursor-codec';
import { DEFAULT_PAGE_LIMIT, pageOf } from './page';

const codec = new CursorCodec('rows', { at: cursorField.instant(), id: cursorField.text(64) });
interface Row {
  readonly id: string;
  readonly at: string;
}
const keyOf = (r: Row) => ({ at: r.at, id: r.id });

/** Every page of `rows`, `limit` at a time, following nextCursor to the end. */
function walk(rows: readonly Row[], limit: number): Row[][] {
  const pages: Row[][] = [];
  let cursor: ReturnType<typeof codec.decode> | undefined;
  for (;;) {
    const page = pageOf(rows, codec, keyOf, { limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    cursor = codec.decode(page.nextCursor);
  }
}

const rowArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 6 }).map((s) => `r${s}`),
  at: fc.integer({ min: 0, max: 5 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString()),
});

describe('pageOf', () => {
  it('orders by the key and pages to the end, every row once', () => {
    const rows: Row[] = [
      { id: 'c', at: '2026-01-02T00:00:00.000Z' },
      { id: 'a', at: '2026-01-01T00:00:00.000Z' },
      { id: 'b', at: '2026-01-02T00:00:00.000Z' },
    ];
    expect(walk(rows, 2).map((p) => p.map((r) => r.id))).toEqual([['a', 'b'], ['c']]);
    expect(pageOf(rows, codec, keyOf, {})).toEqual({ items: [rows[1], rows[2], rows[0]], nextCursor: null });
    expect(pageOf([], codec, keyOf, {})).toEqual({ items: [], nextCursor: null });
  });

  it('answers at most the default limit without one', () => {
    const rows = Array.from({ length: DEFAULT_PAGE_LIMIT + 1 }, (_, i) => ({
      id: String(i).padStart(3, '0'),
      at: '2026-01-01T00:00:00.000Z',
    }));
    const first = pageOf(rows, codec, keyOf, {});
    expect(first.items).toHaveLength(DEFAULT_PAGE_LIMIT);
    expect(first.nextCursor).not.toBeNull();
  });

  it('compares instants by time and integers by value, not as text', () => {
    const ranks = new CursorCodec('ranked', { rank: cursorField.int8(), id: cursorField.text(8) });
    const rows = [
      { rank: '10', id: 'x' },
      { rank: '9', id: 'y' },
    ];
    expect(pageOf(rows, ranks, (r) => r, {}).items.map((r) => r.id)).toEqual(['y', 'x']);
    const times = [
      { id: 'later', at: '2026-01-01T00:00:00.5Z' },
      { id: 'sooner', at: '2026-01-01T00:00:00.123Z' },
    ];
    expect(pageOf(times, codec, keyOf, {}).items.map((r) => r.id)).toEqual(['sooner', 'later']);
  });

  it('walks any collection of unique keys page by page: each row once, in key order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(rowArb, { selector: (r) => `${r.at}|${r.id}`, maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        (rows, limit) => {
          const pages = walk(rows, limit);
          const seen = pages.flat();
          expect(seen).toHaveLength(rows.length);
          expect(new Set(seen).size).toBe(rows.length);
          for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
          const sorted = [...rows].sort((a, b) =>
            a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1,
          );
          expect(seen).toEqual(sorted);
        },
      ),
    );
  });

  it('goes on after a row of the last page was removed', () => {
    const rows = ['a', 'b', 'c', 'd'].map((id) => ({ id, at: '2026-01-01T00:00:00.000Z' }));
    const first = pageOf(rows, codec, keyOf, { limit: 2 });
    const rest = rows.filter((r) => r.id !== 'b');
    const second = pageOf(rest, codec, keyOf, { limit: 2, cursor: codec.decode(first.nextCursor) });
    expect(second.items.map((r) => r.id)).toEqual(['c', 'd']);
  });
});
