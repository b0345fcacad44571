import { ADMIN_TOKEN, RunningIngestion, basic, createWorkspace, startIngestion } from './ingestion-harness';

/** Each test is its own client: a documentation address named in X-Forwarded-For (the peer is loopback, trusted). */
let nextAddress = 1;
const newClient = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++}` });

const FAILURES_PER_MINUTE = 3;

/**
 * The limits in front of ingestion's APIs, set low: events and bytes per write key, requests per
 * API token (the Bearer APIs, here /v1/auth/whoami), failed authentications per client address,
 * and the admin token checked before any body is read.
 */
describe('ingestion: limits', () => {
  let ingestion: RunningIngestion;
  let url: string;

  const send = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const track = (i: number) => ({ type: 'track', userId: `u${i}`, event: 'Signed In' });
  const expectRefusedWithHeaders = async (response: Response, limit: string) => {
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(response.headers.get('ratelimit-limit')).toBe(limit);
    expect(response.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toMatchObject({ statusCode: 429, error: 'rate_limited' });
  };

  beforeAll(async () => {
    ingestion = await startIngestion(
      {
        RATE_LIMIT_EVENTS_PER_SECOND: '1',
        RATE_LIMIT_EVENTS_BURST: '10',
        RATE_LIMIT_BYTES_PER_SECOND: '1024',
        RATE_LIMIT_BYTES_BURST: '4096',
        API_RATE_LIMIT_PER_SECOND: '1',
        API_RATE_LIMIT_BURST: '3',
        AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
      },
      'ingestion_limits',
    );
    url = ingestion.service.url;
  });

  afterAll(async () => {
    await ingestion?.close();
  });

  it('counts the events of a batch, not the request: a batch past the events left is 429', async () => {
    const ws = await createWorkspace(url, 'events-limited');
    const headers = { authorization: basic(ws.writeKey), ...newClient() };
    const first = await send(
      '/v1/batch',
      JSON.stringify({ batch: [0, 1, 2, 3, 4, 5, 6, 7].map(track) }),
      headers,
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('10');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    // 2 events left: a batch of 5 is refused as a whole, and costs nothing.
    const refused = await send('/v1/batch', JSON.stringify({ batch: [0, 1, 2, 3, 4].map(track) }), headers);
    await expectRefusedWithHeaders(refused, '10');
    expect((await send('/v1/batch', JSON.stringify({ batch: [track(8), track(9)] }), headers)).status).toBe(
      200,
    );
    // Another write key has its own budget.
    const other = await createWorkspace(url, 'events-other');
    const fresh = await send('/v1/batch', JSON.stringify({ batch: [0, 1, 2, 3, 4].map(track) }), {
      authorization: basic(other.writeKey),
      ...newClient(),
    });
    expect(fresh.status).toBe(200);
  });

  it('counts the bytes of the bodies: one large call past the bytes left is 429', async () => {
    const ws = await createWorkspace(url, 'bytes-limited');
    const headers = { authorization: basic(ws.writeKey), ...newClient() };
    const large = JSON.stringify({
      userId: 'u1',
      event: 'Signed In',
      properties: { note: 'x'.repeat(3000) },
    });
    expect((await send('/v1/track', large, headers)).status).toBe(200);
    // About 1 KB of the 4 KB burst is left: the same 3 KB call is refused.
    await expectRefusedWithHeaders(await send('/v1/track', large, headers), '4096');
  });

  it('limits each API token on the Bearer APIs, with RateLimit headers on every answer', async () => {
    const ws = await createWorkspace(url, 'api-limited');
    const headers = { authorization: `Bearer ${ws.apiToken}`, ...newClient() };
    const answers: Response[] = [];
    for (let i = 0; i < 4; i++) answers.push(await fetch(`${url}/v1/auth/whoami`, { headers }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('3');
    await expectRefusedWithHeaders(answers[3]!, '3');
    // Another token of the same workspace is not held back.
    const second = await fetch(`${url}/admin/workspaces/${ws.id}/api-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'second', scopes: ['read'] }),
    });
    const { secret } = (await second.json()) as { secret: string };
    const whoami = await fetch(`${url}/v1/auth/whoami`, {
      headers: { authorization: `Bearer ${secret}`, ...newClient() },
    });
    expect(whoami.status).toBe(200);
  });

  it('refuses an address that failed authentication too often with 429, before looking at its credentials', async () => {
    const ws = await createWorkspace(url, 'failures');
    const client = newClient();
    const failures = [
      fetch(`${url}/v1/auth/whoami`, { headers: { authorization: 'Bearer tzk_at_wrong', ...client } }),
      send('/v1/track', JSON.stringify(track(1)), { authorization: basic('tzk_wk_wrong'), ...client }),
      send('/admin/workspaces', '{}', { authorization: 'Bearer not-the-admin-token', ...client }),
    ];
    // One failure each of an API token, a write key and the admin token: the same budget.
    expect((await Promise.all(failures)).map((r) => r.status)).toEqual([401, 401, 401]);

    // Now even valid credentials from that address wait.
    await expectRefusedWithHeaders(
      await fetch(`${url}/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${ws.apiToken}`, ...client },
      }),
      String(FAILURES_PER_MINUTE),
    );
    await expectRefusedWithHeaders(
      await send('/v1/track', JSON.stringify(track(2)), { authorization: basic(ws.writeKey), ...client }),
      String(FAILURES_PER_MINUTE),
    );
    await expectRefusedWithHeaders(
      await send('/admin/workspaces', JSON.stringify({ name: 'x' }), {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...client,
      }),
      String(FAILURES_PER_MINUTE),
    );
    // Another address is not.
    const elsewhere = await send('/v1/track', JSON.stringify(track(3)), {
      authorization: basic(ws.writeKey),
      ...newClient(),
    });
    expect(elsewhere.status).toBe(200);
  });

  it('checks the admin token before the body: 401 whatever the body or content type', async () => {
    const cases: [string, Record<string, string>][] = [
      ['{not json', { 'content-type': 'application/json' }],
      ['<workspace/>', { 'content-type': 'application/xml' }],
      ['null', { 'content-type': 'application/json', 'content-encoding': 'br' }],
    ];
    for (const [body, headers] of cases) {
      const response = await fetch(`${url}/admin/workspaces`, {
        method: 'POST',
        headers: { ...headers, ...newClient() },
        body,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(await response.json()).toMatchObject({ statusCode: 401, error: 'unauthorized' });
    }
    // With the token, the same bodies are what is wrong.
    const authorized = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const statuses = [];
    for (const [body, headers] of cases)
      statuses.push(
        (
          await fetch(`${url}/admin/workspaces`, {
            method: 'POST',
            headers: { ...headers, ...authorized, ...newClient() },
            body,
          })
        ).status,
      );
    expect(statuses).toEqual([400, 415, 415]);
  });
});
