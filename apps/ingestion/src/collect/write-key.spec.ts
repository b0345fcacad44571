import { writeKeyOf } from './write-key';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('writeKeyOf', () => {
  it.each([
    ['Basic user with an empty password', basic('wk_1:'), undefined, 'wk_1'],
    ['Basic user without a colon', basic('wk_2'), undefined, 'wk_2'],
    ['writeKey in the body', undefined, { writeKey: 'wk_3' }, 'wk_3'],
    ['the header before the body', basic('wk_4:'), { writeKey: 'wk_5' }, 'wk_4'],
    ['an empty Basic user falls back to the body', basic(':secret'), { writeKey: 'wk_6' }, 'wk_6'],
    ['a Bearer header is not a write key', 'Bearer wk_7', undefined, undefined],
    ['nothing', undefined, {}, undefined],
    ['a non-string writeKey', undefined, { writeKey: 42 }, undefined],
  ])('%s', (_label, header, body, expected) => {
    expect(writeKeyOf(header, body)).toBe(expected);
  });
});
