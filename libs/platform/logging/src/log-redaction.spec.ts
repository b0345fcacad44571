import fc from 'fast-check';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import {
  REDACTED,
  isSecretField,
  loggableError,
  redactHeaders,
  redactLogFields,
  redactUrl,
  scrubText,
} from './log-redaction';
import { SECRET_SAFE_PINO_OPTIONS } from './logging.module';

/** A pg error as the driver throws it on a check violation: the row, values and all, in `detail`. */
function checkViolation(secret: string): Error {
  return Object.assign(new Error('new row for relation "channels" violates check constraint "no_rows"'), {
    code: '23514',
    severity: 'ERROR',
    schema: 'alerting',
    table: 'channels',
    constraint: 'no_rows',
    detail: `Failing row contains (id-1, ws-1, hook, webhook, https://x.example/h?token=${secret}, {}, ${secret}).`,
    where: `SQL statement with ${secret}`,
    internalQuery: `SELECT '${secret}'`,
  });
}

/** Lines written by a pino logger with the services' options. */
function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'trace', ...SECRET_SAFE_PINO_OPTIONS },
    { write: (s: string) => lines.push(s) },
  );
  return { logger, lines };
}

describe('redactUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/XYZ', `https://hooks.slack.com/${REDACTED}`],
    ['http://user:pass@127.0.0.1:8080/hook?token=abc', `http://${REDACTED}@127.0.0.1:8080/${REDACTED}`],
    ['smtp://mailer:p%40ss@mail.example.com:587', `smtp://${REDACTED}@mail.example.com:587`],
    ['https://example.com', 'https://example.com'],
    ['https://example.com/', 'https://example.com/'],
    ['/v1/alerts?token=abc&limit=5', `/v1/alerts?${REDACTED}`],
    ['/v1/alerts', '/v1/alerts'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('keeps nothing of an absolute URL but its scheme, host and port', () => {
    const shape = /^https?:\/\/(\[Redacted\]@)?[^/?#@[\]]*(\/(\[Redacted\])?)?$/;
    fc.assert(
      fc.property(
        fc.webUrl({
          withQueryParameters: true,
          withFragments: true,
          authoritySettings: { withUserInfo: true },
        }),
        (url) => {
          const parsed = new URL(url);
          const redacted = redactUrl(url);
          const hasUserInfo = parsed.username !== '' || parsed.password !== '';
          return shape.test(redacted) && (!hasUserInfo || redacted.includes(`${REDACTED}@`));
        },
      ),
    );
  });
});

describe('scrubText', () => {
  it.each([
    [
      'Request cannot be constructed from a URL that includes credentials: http://u:s3cret@h:1/p?token=t0k',
      `Request cannot be constructed from a URL that includes credentials: http://${REDACTED}@h:1/${REDACTED}`,
    ],
    ['GET /v1/x?access_token=abc&limit=5', `GET /v1/x?access_token=${REDACTED}&limit=5`],
    ['sent Authorization: Bearer tzk_at_ABCDEFGHIJKLMNOPQRSTUVWX', `sent Authorization: Bearer ${REDACTED}`],
    ['write key tzk_wk_ABCDEF0123 refused', `write key tzk_wk_${REDACTED} refused`],
    ['signed with whsec_abc-DEF_123', `signed with whsec_${REDACTED}`],
    [
      'listening on http://127.0.0.1:3000 (docs at /docs)',
      'listening on http://127.0.0.1:3000 (docs at /docs)',
    ],
    ['assignee=csm@example.com', 'assignee=csm@example.com'],
  ])('%s', (text, expected) => {
    expect(scrubText(text)).toBe(expected);
  });

  it('keeps a JSON line JSON, whatever the strings in it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.webUrl())), (fields) => {
        const line = JSON.stringify(fields);
        return typeof JSON.parse(scrubText(line)) === 'object';
      }),
    );
  });
});

describe('isSecretField', () => {
  it.each([
    'authorization',
    'Cookie',
    'set-cookie',
    'x-admin-token',
    'password',
    'signingSecret',
    'secrets',
    'writeKey',
    'x-api-key',
    'SMTP_URL',
    'DATABASE_URL',
  ])('%s holds a credential', (name) => expect(isSecretField(name)).toBe(true));
  it.each(['host', 'content-type', 'workspaceId', 'url', 'statusCode'])('%s does not', (name) =>
    expect(isSecretField(name)).toBe(false),
  );
});

describe('loggableError', () => {
  it('keeps the SQL text, code and constraint of a failed query, not its parameters or detail', () => {
    const secret = 'whsec_the-signing-secret-0042';
    const error = new QueryFailedError(
      'INSERT INTO alerting.channels VALUES ($1, $2)',
      ['id-1', secret],
      checkViolation(secret),
    );
    const logged = loggableError(error);
    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      code: '23514',
      constraint: 'no_rows',
      table: 'channels',
      query: 'INSERT INTO alerting.channels VALUES ($1, $2)',
    });
    expect(logged).not.toHaveProperty('parameters');
    expect(logged).not.toHaveProperty('detail');
    expect(JSON.stringify(logged)).not.toContain('signing-secret');
  });

  it('hides the values Postgres quotes in a data exception', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "tzk-secret-value"'), {
      code: '22P02',
    });
    expect(loggableError(error).message).toBe(`invalid input syntax for type uuid: "${REDACTED}"`);
  });

  it('reduces the causes too', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      config: { auth: 'x' },
    });
    const logged = loggableError(new TypeError('fetch failed', { cause }));
    expect(logged['cause']).toEqual(
      expect.objectContaining({ code: 'ECONNREFUSED', message: cause.message }),
    );
    expect(logged['cause']).not.toHaveProperty('config');
  });
});

describe('redactLogFields', () => {
  it('redacts credentials by name at any depth and reduces errors under any name', () => {
    const fields = redactLogFields({
      channel: { url: 'https://u:p@h.example/x?token=1', secrets: ['a', 'b'], kind: 'webhook' },
      nested: { deeper: { apiToken: 'tzk_at_x', n: 1 } },
      failure: new QueryFailedError('SELECT $1', ['value'], checkViolation('value')),
      list: [{ password: 'pw' }],
    });
    expect(fields).toEqual({
      channel: { url: `https://${REDACTED}@h.example/${REDACTED}`, secrets: REDACTED, kind: 'webhook' },
      nested: { deeper: { apiToken: REDACTED, n: 1 } },
      failure: expect.not.objectContaining({ parameters: expect.anything() }),
      list: [{ password: REDACTED }],
    });
  });
});

describe('redactHeaders', () => {
  it('redacts authorization, cookies and token headers, keeps the rest', () => {
    expect(
      redactHeaders({
        authorization: 'Bearer x',
        cookie: 'a=b',
        'x-admin-token': 't',
        host: 'h',
        'content-length': '2',
      }),
    ).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-admin-token': REDACTED,
      host: 'h',
      'content-length': '2',
    });
  });
});

describe('a pino logger with the services options', () => {
  const secret = 'whsec_never-in-a-log-0042';

  it('writes a failed query as Nest does (the error as `err`) without its parameters or detail', () => {
    const { logger, lines } = capture();
    const error = new QueryFailedError('INSERT INTO t VALUES ($1)', [secret], checkViolation(secret));
    logger.error({ context: 'ExceptionsHandler', err: error });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('never-in-a-log');
    expect(JSON.parse(lines[0]!).err).toMatchObject({
      type: 'QueryFailedError',
      code: '23514',
      constraint: 'no_rows',
      query: 'INSERT INTO t VALUES ($1)',
    });
  });

  it('scrubs URLs and tokens out of messages and requests', () => {
    const { logger, lines } = capture();
    logger.warn(`delivery failed: http://hooks:${secret}@h.example/hook?token=${secret}`);
    logger.info(
      {
        req: {
          method: 'GET',
          url: `/v1/alerts?access_token=${secret}`,
          headers: { authorization: `Bearer ${secret}`, host: 'h' },
        },
      },
      'request completed',
    );
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('never-in-a-log');
    expect(JSON.parse(lines[1]!).req).toEqual({
      method: 'GET',
      url: `/v1/alerts?${REDACTED}`,
      headers: { authorization: REDACTED, host: 'h' },
    });
  });
});
