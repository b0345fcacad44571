import { toCsv, wantsCsv } from './csv';

describe('csv', () => {
  it('writes a header and RFC 4180 rows: nulls empty, quotes doubled', () => {
    expect(
      toCsv(
        ['month', 'nps', 'note'],
        [
          { month: '2026-01', nps: null, note: 'a, "b"' },
          { month: '2026-02', nps: 12.5, note: 'line\nbreak' },
        ],
      ),
    ).toBe('month,nps,note\r\n2026-01,,"a, ""b"""\r\n2026-02,12.5,"line\nbreak"\r\n');
  });

  it.each([
    ['text/csv', true],
    ['text/csv; charset=utf-8', true],
    ['application/json, text/csv;q=0.5', true],
    ['application/json', false],
    [undefined, false],
  ])('Accept %s wants CSV: %s', (accept, expected) => {
    expect(wantsCsv(accept)).toBe(expected);
  });
});
