import { RUNS_CURSOR, seqPage } from './seq-cursor';

describe('seqPage', () => {
  it("reads the caller's filters with the cursor's seq and one row past the page", async () => {
    const asked: unknown[] = [];
    const page = await seqPage(RUNS_CURSOR, 2, { status: 'running', cursor: { seq: '9' } }, async (f) => {
      asked.push(f);
      return [{ seq: '8' }, { seq: '7' }, { seq: '6' }];
    });
    expect(asked).toEqual([{ status: 'running', beforeSeq: '9', limit: 3 }]);
    expect(page.items).toEqual([{ seq: '8' }, { seq: '7' }]);
    expect(RUNS_CURSOR.decode(page.nextCursor!)).toEqual({ seq: '7' });
  });

  it('reads from the newest without a cursor and ends where no row comes past the page', async () => {
    const page = await seqPage(RUNS_CURSOR, 5, {}, async (f) => {
      expect(f).toEqual({ beforeSeq: undefined, limit: 6 });
      return [{ seq: '2' }];
    });
    expect(page).toEqual({ items: [{ seq: '2' }], nextCursor: null });
  });
});
