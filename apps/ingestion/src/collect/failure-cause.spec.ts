import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { ContractViolationError } from '@tsuzuku/platform-kafka';
import { isFaultOfOurs } from './failure-cause';

function postgresError(code: string): DatabaseError {
  const error = new DatabaseError('refused', 0, 'error');
  error.code = code;
  return error;
}

describe('isFaultOfOurs: database failures (false is an outage: 503)', () => {
  it.each<[string, unknown, boolean]>([
    [
      'a refused connection (no SQLSTATE)',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      true,
    ],
    ['a terminated connection', new Error('Connection terminated unexpectedly'), true],
    ['an administrator shutdown (57P01)', postgresError('57P01'), true],
    ['a database refusing connections (55000)', postgresError('55000'), true],
    ['a lock timeout (55P03)', postgresError('55P03'), true],
    ['too many connections (53300)', postgresError('53300'), true],
    [
      'a deadlock (40P01), wrapped by TypeORM',
      new QueryFailedError('SELECT', [], postgresError('40P01')),
      true,
    ],
    ['a NUL Postgres cannot store (22021)', postgresError('22021'), false],
    [
      'a date out of range (22008), wrapped by TypeORM',
      new QueryFailedError('INSERT', [], postgresError('22008')),
      false,
    ],
    ['an index row too big (54000)', postgresError('54000'), false],
    ['a unique violation (23505)', postgresError('23505'), false],
    ['a bug of ours', new TypeError('x is undefined'), false],
  ])('%s', (_label, error, outage) => {
    expect(isFaultOfOurs(error)).toBe(!outage);
  });
});

describe('isFaultOfOurs: Kafka failures (false is an outage: 503)', () => {
  it.each<[string, unknown, boolean]>([
    [
      'a broker that does not answer',
      Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }),
      true,
    ],
    ['no acknowledgement in time', new Error('no acknowledgement within 5000 ms'), true],
    [
      'an envelope that breaks its contract',
      new ContractViolationError([{ path: '/data', message: 'bad' }]),
      false,
    ],
    ['a bug of ours', new RangeError('Invalid time value'), false],
  ])('%s', (_label, error, outage) => {
    expect(isFaultOfOurs(error)).toBe(!outage);
  });
});
