import fc from 'fast-check';
import { CursorCodec, InvalidCursorException, cursorField } from './cursor-codec';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const pages = new CursorCodec('alerts', { at: cursorField.instant(), id: cursorField.uuid() });
const seqs = new CursorCodec('tasks', { seq: cursorField.int8() });
const scores = new CursorCodec('accounts', {
  key: cursorField.nullable(cursorField.decimal()),
  accountId: cursorField.text(64),
});

function refusal(decode: () => unknown): { error: string; errors: { path: string; message: string }[] } {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCursorException);
    return (error as InvalidCursorException).getResponse() as never;
  }
  throw new Error('decoded');
}

describe('CursorCodec', () => {
  it('round-trips what it encodes, as base64url', () => {
    const cursor = { at: '2026-01-02T03:04:05.123Z', id: '6f1c1c7e-2f0a-4a4e-9a55-0f6f1f1f1f1f' };
    const encoded = pages.encode(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pages.decode(encoded)).toEqual(cursor);
    expect(seqs.decode(seqs.encode({ seq: '9223372036854775807' }))).toEqual({ seq: '9223372036854775807' });
    expect(scores.decode(scores.encode({ key: null, accountId: 'a' }))).toEqual({
      key: null,
      accountId: 'a',
    });
  });

  it.each<[string, () => unknown]>([
    ['not base64url', () => seqs.decode('abc+/=')],
    ['empty', () => seqs.decode('')],
    ['not a string', () => seqs.decode(['a'])],
    ['not JSON', () => seqs.decode(Buffer.from('{nope').toString('base64url'))],
    ['an old-style seq cursor', () => seqs.decode(Buffer.from('seq:12').toString('base64url'))],
    ['a seq past int8', () => seqs.decode(raw(['tasks', '9223372036854775808']))],
    ['a seq of 19 nines', () => seqs.decode(raw(['tasks', '9999999999999999999']))],
    ['a negative seq', () => seqs.decode(raw(['tasks', '-1']))],
    ['a seq as a JSON number', () => seqs.decode(raw(['tasks', 12]))],
    ['too many keys', () => seqs.decode(raw(['tasks', '1', '2']))],
    [
      'an impossible date',
      () => pages.decode(raw(['alerts', '2026-02-30T00:00:00Z', '6f1c1c7e-2f0a-4a4e-9a55-0f6f1f1f1f1f'])),
    ],
    [
      'month 13',
      () => pages.decode(raw(['alerts', '2026-13-01T00:00:00Z', '6f1c1c7e-2f0a-4a4e-9a55-0f6f1f1f1f1f'])),
    ],
    [
      'a year past 9999',
      () => pages.decode(raw(['alerts', '+275760-09-13T00:00:00Z', '6f1c1c7e-2f0a-4a4e-9a55-0f6f1f1f1f1f'])),
    ],
    ['an id that is no uuid', () => pages.decode(raw(['alerts', '2026-01-01T00:00:00Z', 'x']))],
    ['a NUL in an id', () => scores.decode(raw(['accounts', '1', 'a\u0000b']))],
    ['an unpaired surrogate', () => scores.decode(raw(['accounts', '1', '\ud800']))],
    ['an id past its length', () => scores.decode(raw(['accounts', '1', 'x'.repeat(65)]))],
    ['a score that is no decimal', () => scores.decode(raw(['accounts', '1e400', 'a']))],
    ['far too long', () => seqs.decode('A'.repeat(5000))],
  ])('refuses %s with 400 invalid_cursor naming the field', (_what, decode) => {
    const body = refusal(decode);
    expect(body.error).toBe('invalid_cursor');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this API issued' }]);
  });

  it("refuses another list's cursor, naming the list", () => {
    const body = refusal(() => pages.decode(seqs.encode({ seq: '1' }), 'after'));
    expect(body.errors).toEqual([{ path: 'after', message: 'was issued for tasks, not alerts' }]);
  });

  it('never throws anything but InvalidCursorException, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => raw(v)),
          fc.tuple(fc.constant('accounts'), fc.jsonValue(), fc.jsonValue()).map((v) => raw(v)),
        ),
        (input) => {
          try {
            scores.decode(input);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidCursorException);
          }
        },
      ),
    );
  });
});
