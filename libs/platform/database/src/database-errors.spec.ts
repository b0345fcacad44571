import { isDataException, postgresErrorCode } from './database-errors';

describe('postgresErrorCode and isDataException', () => {
  it.each([
    ['a pg error refusing a NUL', { code: '22P05' }, '22P05', true],
    [
      'a TypeORM QueryFailedError around a numeric overflow',
      { driverError: { code: '22003' } },
      '22003',
      true,
    ],
    ['a unique violation', { driverError: { code: '23505' } }, '23505', false],
    ['a lost connection', { code: 'ECONNREFUSED' }, undefined, false],
    ['a lock timeout', { code: '55P03' }, '55P03', false],
    ['a plain error', new Error('boom'), undefined, false],
    ['no error object', 'boom', undefined, false],
  ])('%s', (_label, error, code, permanent) => {
    expect(postgresErrorCode(error)).toBe(code);
    expect(isDataException(error)).toBe(permanent);
  });
});
