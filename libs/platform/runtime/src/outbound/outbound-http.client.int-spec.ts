import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundHttpClient, OutboundRequestError } from './outbound-http.client';

interface Seen {
  readonly path: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

/** A real receiver on 127.0.0.1; `answer` decides what each request gets. */
async function receiver(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString(),
        authorization: req.headers.authorization,
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function failure(promise: Promise<unknown>): Promise<OutboundRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error as OutboundRequestError;
}

const LOOPBACK = ['127.0.0.1/32', '::1/128'];
const SECRET_BODY = 'db_password=hunter2 internal-admin-only';

describe('outbound HTTP client against a real receiver', () => {
  const open: { close(): Promise<void> }[] = [];
  const start = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
    const r = await receiver(answer);
    open.push(r);
    return r;
  };
  afterEach(async () => {
    while (open.length > 0) await open.pop()!.close();
  });

  it('posts to a loopback receiver when loopback is allowed, through the checked lookup for a name', async () => {
    const r = await start((_req, res) => res.writeHead(204).end());
    const client = new OutboundHttpClient({
      allow: LOOPBACK,
      // Only our resolver knows this name: a delivery proves the connection used it.
      resolve: async (hostname) =>
        hostname === 'receiver.test' ? [{ address: '127.0.0.1', family: 4 }] : [],
    });
    const direct = await client.post(`${r.url}/hook?x=1`, '{"a":1}', {
      headers: { 'content-type': 'application/json' },
      timeoutMs: 5000,
    });
    expect(direct.status).toBe(204);
    const named = await client.post(`http://user:p%40ss@receiver.test:${r.port}/named`, 'hi', {
      timeoutMs: 5000,
    });
    expect(named.status).toBe(204);
    expect(r.seen.map((s) => [s.path, s.body])).toEqual([
      ['/hook?x=1', '{"a":1}'],
      ['/named', 'hi'],
    ]);
    expect(r.seen[1]!.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('refuses the same receiver with the production default, before any request', async () => {
    const r = await start((_req, res) => res.writeHead(204).end());
    const client = new OutboundHttpClient({
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(await failure(client.post(`${r.url}/hook`, '{}', { timeoutMs: 5000 }))).toMatchObject({
      failure: 'refused',
      message: 'address 127.0.0.1 is not allowed (loopback)',
    });
    expect(
      await failure(client.post(`http://rebinding.test:${r.port}/hook`, '{}', { timeoutMs: 5000 })),
    ).toMatchObject({
      failure: 'refused',
      message: 'host rebinding.test: address 127.0.0.1 is not allowed (loopback)',
    });
    expect(r.seen).toEqual([]);
  });

  it('does not follow a redirect', async () => {
    const r = await start((req, res) =>
      req.url === '/moved'
        ? res.writeHead(302, { location: '/target' }).end()
        : res.writeHead(200).end('reached'),
    );
    const client = new OutboundHttpClient({ allow: LOOPBACK });
    const error = await failure(client.post(`${r.url}/moved`, '{}', { timeoutMs: 5000 }));
    expect(error).toMatchObject({
      failure: 'status',
      status: 302,
      message: 'receiver answered 302 (redirects are not followed)',
    });
    expect((await client.request(`${r.url}/moved`, { timeoutMs: 5000 })).status).toBe(302);
    expect(r.seen.map((s) => s.path)).toEqual(['/moved', '/moved']);
  });

  it('gives up on a receiver that does not answer, after its timeout', async () => {
    const r = await start(() => undefined);
    const client = new OutboundHttpClient({ allow: LOOPBACK });
    const started = Date.now();
    const error = await failure(client.post(`${r.url}/slow`, '{}', { timeoutMs: 500 }));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ failure: 'timeout', message: 'timed out after 0.5 s' });
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5000);
  });

  it('reads a huge answer only up to the cap', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    const r = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Endless unless the client hangs up.
      const more = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('close', () => res.destroy());
      more();
    });
    const client = new OutboundHttpClient({ allow: LOOPBACK, maxResponseBytes: 100_000 });
    const answer = await client.request(`${r.url}/huge`, { timeoutMs: 10_000 });
    expect(answer.status).toBe(200);
    expect(answer.truncated).toBe(true);
    expect(answer.body.length).toBe(100_000);
    expect(written).toBeLessThan(512 * 1024 * 1024);
  });

  it("describes a failure in its own words, never with the receiver's body", async () => {
    const r = await start((_req, res) =>
      res.writeHead(500, { 'content-type': 'text/plain' }).end(SECRET_BODY),
    );
    const client = new OutboundHttpClient({ allow: LOOPBACK });
    const error = await failure(client.post(`${r.url}/fail`, '{}', { timeoutMs: 5000 }));
    expect(error).toMatchObject({ failure: 'status', status: 500, message: 'receiver answered 500' });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('hunter2');

    const port = r.port;
    await open.pop()!.close();
    expect(
      await failure(client.post(`http://127.0.0.1:${port}/gone`, '{}', { timeoutMs: 5000 })),
    ).toMatchObject({
      failure: 'network',
      message: 'connection refused',
    });
  });
});
