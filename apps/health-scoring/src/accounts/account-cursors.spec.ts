import fc from 'fast-check';
import { InvalidCursorException } from '@tsuzuku/platform-runtime';
import { ACCOUNT_CURSORS } from './account-cursors';
import { ACCOUNT_SORTS, AccountSort } from './domain/account-cursor';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function problemOf(cursor: string, sort: AccountSort): string {
  try {
    ACCOUNT_CURSORS[sort].decode(cursor);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCursorException);
    return ((error as InvalidCursorException).getResponse() as { errors: { message: string }[] }).errors[0]!
      .message;
  }
  throw new Error(`${cursor} decoded for sort=${sort}`);
}

describe('account cursors', () => {
  it.each<[string, AccountSort, { key: string | null; accountId: string }]>([
    ['a score', 'score', { key: '42.5', accountId: 'acc-1' }],
    ['an integer score', '-score', { key: '100', accountId: 'acc-2' }],
    ['an unscored account', 'score', { key: null, accountId: 'acc-3' }],
    ['a high-precision score', 'score', { key: '33.333333333333333333', accountId: 'x' }],
    ['a name with unicode', 'name', { key: 'ÉCOLE 日本 "quoted"', accountId: 'acc/4?&=' }],
    ['an empty name key', 'name', { key: '', accountId: 'acc-5' }],
    [
      'the longest name key, in a 3-byte script',
      'name',
      { key: '日'.repeat(1024), accountId: 'x'.repeat(1024) },
    ],
  ])('round-trips %s', (_what, sort, cursor) => {
    const encoded = ACCOUNT_CURSORS[sort].encode(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(ACCOUNT_CURSORS[sort].decode(encoded)).toEqual(cursor);
  });

  it.each<[string, string, AccountSort, RegExp]>([
    ['empty', '', 'score', /not a cursor/],
    ['not base64url', 'abc+/=', 'score', /not a cursor/],
    ['not JSON', Buffer.from('{nope').toString('base64url'), 'score', /not a cursor/],
    ['an object', raw({ key: '1', accountId: 'a' }), 'score', /not a cursor/],
    ['too short', raw(['accounts?sort=score', '1']), 'score', /not a cursor/],
    ['a numeric account id', raw(['accounts?sort=score', '1', 7]), 'score', /not a cursor/],
    [
      'a score that is no number',
      raw(['accounts?sort=score', '1; DROP TABLE', 'a']),
      'score',
      /not a cursor/,
    ],
    ['a score past any column', raw(['accounts?sort=score', '9'.repeat(40), 'a']), 'score', /not a cursor/],
    ['a score as a JSON number', raw(['accounts?sort=score', 1, 'a']), 'score', /not a cursor/],
    ['a NUL in the account id', raw(['accounts?sort=score', '1', 'a\u0000']), 'score', /not a cursor/],
    ['an unpaired surrogate', raw(['accounts?sort=name', '\ud800', 'a']), 'name', /not a cursor/],
    ['a null name key', raw(['accounts?sort=name', null, 'a']), 'name', /not a cursor/],
    ['another sort', raw(['accounts?sort=name', 'Acme', 'a']), 'score', /issued for accounts\?sort=name/],
    [
      'the other score order',
      raw(['accounts?sort=-score', '1', 'a']),
      'score',
      /issued for accounts\?sort=-score/,
    ],
    ['far too long', 'A'.repeat(5000), 'score', /not a cursor/],
  ])('refuses %s with invalid_cursor', (_what, cursor, sort, problem) => {
    expect(problemOf(cursor, sort)).toMatch(problem);
  });

  it('decodes whatever it encodes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACCOUNT_SORTS),
        fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
        fc.string({ unit: 'grapheme', maxLength: 100 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
        (sort, score, name, accountId) => {
          const key = sort === 'name' ? name : score === null ? null : String(Math.round(score * 10) / 10);
          const cursor = { key, accountId };
          expect(ACCOUNT_CURSORS[sort].decode(ACCOUNT_CURSORS[sort].encode(cursor))).toEqual(cursor);
        },
      ),
    );
  });
});
