import type { FastifyRequest } from 'fastify';
import { ApiException } from './api-exception';
import { MAX_BODY_DEPTH, checkRequestValues, unsafeInputProblem } from './input-boundary';
import { IntegerParamPipe } from './integer-param.pipe';

function request(parts: {
  params?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
  own?: boolean;
}) {
  return {
    params: parts.params ?? {},
    query: parts.query ?? {},
    headers: parts.headers ?? {},
    body: parts.body,
    routeOptions: { config: parts.own ? { tsuzukuBodyChecks: 'own' } : {} },
  } as unknown as FastifyRequest;
}

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

function refusal(check: () => void): { statusCode: number; error: string; errors: unknown[] } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return (error as ApiException).getResponse() as never;
  }
  throw new Error('accepted');
}

describe('the input boundary', () => {
  it('accepts ordinary requests, however deep up to the limit', () => {
    expect(() =>
      checkRequestValues(
        request({
          params: { id: 'a😀' },
          query: { status: ['open', 'acknowledged'] },
          headers: { 'x-request-id': 'r1' },
          body: deep(MAX_BODY_DEPTH - 1),
        }),
      ),
    ).not.toThrow();
  });

  it.each<[string, Parameters<typeof request>[0], string, string]>([
    ['a NUL in the path', { params: { id: 'a\u0000' } }, 'id', 'must not contain a NUL character (\\u0000)'],
    [
      'a surrogate in the query',
      { query: { owner: ['ok', '\ud800'] } },
      'owner[1]',
      'must be valid Unicode (it holds an unpaired surrogate)',
    ],
    [
      'a NUL in a header',
      { headers: { 'x-request-id': '\u0000' } },
      'header x-request-id',
      'must not contain a NUL character (\\u0000)',
    ],
    [
      'a NUL in a body key',
      { body: { a: { 'b\u0000': 1 } } },
      'a.b\u0000',
      'must not contain a NUL character (\\u0000)',
    ],
    ['Infinity in the body', { body: { rate: Infinity } }, 'rate', 'must be a finite number'],
    [
      '5,000 levels of nesting',
      { body: deep(5000) },
      expect.stringMatching(/^n\.n\./) as never,
      `is nested more than ${MAX_BODY_DEPTH} levels deep`,
    ],
  ])('refuses %s with a 400 naming the field', (_what, parts, path, message) => {
    const body = refusal(() => checkRequestValues(request(parts)));
    expect(body).toMatchObject({ statusCode: 400, error: 'invalid_request', errors: [{ path, message }] });
  });

  it('leaves the strings of a route that checks its own body, but not its depth', () => {
    expect(() => checkRequestValues(request({ body: { userId: 'a\u0000' }, own: true }))).not.toThrow();
    expect(refusal(() => checkRequestValues(request({ body: deep(5000), own: true }))).statusCode).toBe(400);
  });

  it('judges gRPC requests the same way', () => {
    expect(unsafeInputProblem({ from: '2026-01', cursor: 'x\ud800' })).toEqual({
      path: 'cursor',
      message: 'must be valid Unicode (it holds an unpaired surrogate)',
    });
    expect(unsafeInputProblem({ from: '2026-01' })).toBeUndefined();
  });
});

describe('IntegerParamPipe', () => {
  const pipe = new IntegerParamPipe();
  const meta = { type: 'param', data: 'version' } as const;

  it('takes a positive int4', () => {
    expect(pipe.transform('1', meta)).toBe(1);
    expect(pipe.transform('2147483647', meta)).toBe(2147483647);
  });

  it.each(['0', '-1', '2147483648', '9223372036854775808', '1e3', '1.5', 'one', ''])(
    'refuses %j naming it',
    (value) => {
      const body = refusal(() => pipe.transform(value, meta));
      expect(body).toMatchObject({
        statusCode: 400,
        errors: [{ path: 'version', message: 'must be an integer from 1 to 2147483647' }],
      });
    },
  );
});
