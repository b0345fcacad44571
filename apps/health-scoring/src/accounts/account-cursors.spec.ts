import fc from 'fast-check';
import { ACCOUNT_SORTS, AccountCursor, AccountSort, decodeCursor, encodeCursor } from './account-cursor';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('account cursors', () => {
  it.each<[string, AccountCursor]>([
    ['a score', { sort: 'score', key: '42.5', accountId: 'acc-1' }],
    ['an integer score', { sort: '-score', key: '100', accountId: 'acc-2' }],
    ['an unscored account', { sort: 'score', key: null, accountId: 'acc-3' }],
    ['a high-precision score', { sort: 'score', key: '33.333333333333333333', accountId: 'x' }],
    ['a name with unicode', { sort: 'name', key: 'ÉCOLE 日本 "quoted"', accountId: 'acc/4?&=' }],
    ['an empty name key', { sort: 'name', key: '', accountId: 'acc-5' }],
  ])('round-trips %s', (_what, cursor) => {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded, cursor.sort)).toEqual({ ok: true, cursor });
  });

  it.each<[string, string, AccountSort, RegExp]>([
    ['empty', '', 'score', /not a cursor/],
    ['not base64url', 'abc+/=', 'score', /not a cursor/],
    ['not JSON', Buffer.from('{nope').toString('base64url'), 'score', /not a cursor/],
    ['an object', raw({ sort: 'score', key: '1', accountId: 'a' }), 'score', /not a cursor/],
    ['too short', raw(['score', '1']), 'score', /not a cursor/],
    ['an unknown sort', raw(['mrr', '1', 'a']), 'score', /not a cursor/],
    ['an empty account id', raw(['score', '1', '']), 'score', /not a cursor/],
    ['a numeric account id', raw(['score', '1', 7]), 'score', /not a cursor/],
    ['a score that is no number', raw(['score', '1; DROP TABLE', 'a']), 'score', /not a cursor/],
    ['a score as a JSON number', raw(['score', 1, 'a']), 'score', /not a cursor/],
    ['a null name key', raw(['name', null, 'a']), 'name', /not a cursor/],
    ['another sort', raw(['name', 'Acme', 'a']), 'score', /issued for sort=name, not sort=score/],
    ['the other score order', raw(['-score', '1', 'a']), 'score', /issued for sort=-score/],
    ['far too long', 'A'.repeat(5000), 'score', /not a cursor/],
  ])('refuses %s', (_what, cursor, sort, problem) => {
    const decoded = decodeCursor(cursor, sort);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.problem).toMatch(problem);
  });

  it('decodes whatever it encodes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACCOUNT_SORTS),
        fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
        fc.string(),
        fc.string({ minLength: 1 }),
        (sort, score, name, accountId) => {
          const key = sort === 'name' ? name : score === null ? null : String(Math.round(score * 10) / 10);
          const cursor: AccountCursor = { sort, key, accountId };
          expect(decodeCursor(encodeCursor(cursor), sort)).toEqual({ ok: true, cursor });
        },
      ),
    );
  });
});
