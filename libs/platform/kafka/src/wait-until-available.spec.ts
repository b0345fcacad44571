import { WaitAbandonedError, describeError, waitUntilAvailable } from './wait-until-available';

describe('waitUntilAvailable', () => {
  it('tries again until the attempt succeeds, logging what it waits for and why each time', async () => {
    const warnings: string[] = [];
    const reasons: string[] = [];
    let calls = 0;
    const value = await waitUntilAvailable(
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error(`refused ${calls}`), { code: 'ECONNREFUSED' });
        return 'connected';
      },
      {
        what: 'Kafka at 127.0.0.1:9',
        logger: { warn: (m) => warnings.push(m) },
        baseMs: 1,
        capMs: 2,
        onFailure: (r) => reasons.push(r),
      },
    );
    expect(value).toBe('connected');
    expect(calls).toBe(3);
    expect(reasons).toEqual(['ECONNREFUSED Error: refused 1', 'ECONNREFUSED Error: refused 2']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^waiting for Kafka at 127\.0\.0\.1:9: ECONNREFUSED Error: refused 1 \(attempt 1, next in \d+ ms\)$/,
    );
    expect(warnings[1]).toContain('(attempt 2, ');
  });

  it('gives up with WaitAbandonedError once the service stops, without trying again', async () => {
    let stopped = false;
    let calls = 0;
    const waiting = waitUntilAvailable(
      async () => {
        calls++;
        stopped = true;
        throw new Error('down');
      },
      {
        what: 'Postgres at db:5432/x',
        logger: { warn: () => undefined },
        baseMs: 1,
        capMs: 2,
        stopped: () => stopped,
      },
    );
    await expect(waiting).rejects.toBeInstanceOf(WaitAbandonedError);
    expect(calls).toBe(1);
  });
});

describe('describeError', () => {
  it('puts the code first when there is one', () => {
    expect(describeError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      '57P01 Error: terminating connection',
    );
  });

  it('spells out an AggregateError with no message of its own (a refused connection to every address)', () => {
    const error = Object.assign(
      new AggregateError(
        [new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')],
        '',
      ),
      { code: 'ECONNREFUSED' },
    );
    expect(describeError(error)).toBe(
      'ECONNREFUSED AggregateError: Error: connect ECONNREFUSED ::1:5432; Error: connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('stringifies what is not an Error', () => {
    expect(describeError('plain')).toBe('plain');
  });
});
