import { isDatabaseUnavailable } from './database-status';
import { describeHolder } from './migration-lock';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'terminated by an administrator (57P01)',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['server shutting down (57P02)', pgError('57P02')],
    ['server starting (57P03)', pgError('57P03', 'the database system is starting up')],
    ['connection failure (08006)', pgError('08006')],
    ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['lost socket', new Error('Connection terminated unexpectedly')],
    [
      'client unusable after an error',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['pool not connected yet', new Error('Driver not Connected')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'a TypeORM QueryFailedError wrapping one',
      Object.assign(new Error('query failed'), { driverError: pgError('57P01') }),
    ],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error (42601)', pgError('42601', 'syntax error at or near "SELEC"')],
    ['a lock timeout (55P03)', pgError('55P03', 'canceling statement due to lock timeout')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', 'Connection terminated'],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('describeHolder', () => {
  it('names the application, pid, address, start and state', () => {
    expect(
      describeHolder({
        pid: 4242,
        applicationName: 'tsuzuku-alerting-migrate',
        clientAddress: '10.0.0.7',
        since: new Date('2026-12-04T09:01:02.000Z'),
        state: 'idle in transaction',
      }),
    ).toBe(
      'tsuzuku-alerting-migrate (pid 4242, from 10.0.0.7, since 2026-12-04T09:01:02.000Z, state idle in transaction)',
    );
  });

  it('says when the holder has no name or connects over a local socket', () => {
    expect(
      describeHolder({ pid: 7, applicationName: '', clientAddress: null, since: null, state: null }),
    ).toBe('an unnamed client (pid 7, from a local socket)');
  });
});
