import { CursorCodec, cursorField } from './cursor-codec';
import { readAheadPage } from './read-ahead-page';

const codec = new CursorCodec('numbers', { seq: cursorField.int8() });
const list = ['1', '2', '3', '4', '5'].map((seq) => ({ seq }));
const reader = (asked: number[]) => async (count: number) => {
  asked.push(count);
  return list.slice(0, count);
};

describe('readAheadPage', () => {
  it('reads one row past the page and points the next cursor at the last row kept', async () => {
    const asked: number[] = [];
    const page = await readAheadPage(2, reader(asked), codec, (r) => ({ seq: r.seq }));
    expect(asked).toEqual([3]);
    expect(page.items).toEqual([{ seq: '1' }, { seq: '2' }]);
    expect(codec.decode(page.nextCursor!)).toEqual({ seq: '2' });
  });

  it('ends the list when no row comes past the page', async () => {
    const page = await readAheadPage(5, reader([]), codec, (r) => ({ seq: r.seq }));
    expect(page).toEqual({ items: list, nextCursor: null });
  });

  it('ends an empty list', async () => {
    const page = await readAheadPage(
      3,
      async () => [],
      codec,
      (r: { seq: string }) => ({ seq: r.seq }),
    );
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});
