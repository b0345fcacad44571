import { CursorCodec, cursorField } from './cursor-codec';
import { pageOfRows } from './page';

const codec = new CursorCodec('rows', { at: cursorField.instant(), id: cursorField.text(64) });
const row = (id: string, day: number) => ({ id, at: new Date(Date.UTC(2026, 0, day)).toISOString() });
const keyOf = (r: { id: string; at: string }) => ({ at: r.at, id: r.id });

describe('pageOfRows', () => {
  it('answers the first limit rows and the cursor of the last when the read found one more', () => {
    const rows = [row('a', 3), row('b', 2), row('c', 1)];
    const page = pageOfRows(rows, 2, codec, keyOf);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(codec.decode(page.nextCursor)).toEqual(keyOf(rows[1]!));
  });

  it('answers no cursor on the last page, full or not', () => {
    expect(pageOfRows([row('a', 1), row('b', 2)], 2, codec, keyOf).nextCursor).toBeNull();
    expect(pageOfRows([row('a', 1)], 2, codec, keyOf).nextCursor).toBeNull();
    expect(pageOfRows([], 2, codec, keyOf)).toEqual({ items: [], nextCursor: null });
  });
});
