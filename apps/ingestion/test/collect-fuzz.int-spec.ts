import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { RunningIngestion, Workspace, basic, createWorkspace, startIngestion } from './ingestion-harness';

interface Attempt {
  readonly path: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const paths = fc.constantFrom(
  '/v1/track',
  '/v1/identify',
  '/v1/group',
  '/v1/page',
  '/v1/screen',
  '/v1/alias',
  '/v1/batch',
  '/v1/import',
);

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
}

/** Bodies a careless or hostile client might send. */
function attempts(writeKey: string): fc.Arbitrary<Attempt> {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');
  const auth = fc.constantFrom<Record<string, string>>(
    { authorization: basic(writeKey) },
    { authorization: basic('tzk_wk_wrong') },
    {},
    { authorization: 'Basic %%%not-base64' },
    { authorization: `Bearer ${writeKey}` },
  );
  const body = fc.oneof(
    fc.string().map((s) => Buffer.from(s)), // malformed JSON
    fc.jsonValue().map(json), // any JSON, mostly wrong shapes
    fc
      .record({
        userId: fc.anything(),
        event: fc.anything(),
        properties: fc.anything(),
        timestamp: fc.anything(),
      })
      .map(json),
    fc
      .record({
        batch: fc.array(fc.jsonValue(), { maxLength: 20 }),
        context: fc.jsonValue(),
        sentAt: fc.jsonValue(),
      })
      .map(json),
    fc.integer({ min: 10, max: 3000 }).map((d) => json({ userId: 'u', event: 'Deep', properties: deep(d) })),
    fc
      .integer({ min: 1, max: 700 })
      .map((kb) => json({ userId: 'u', event: 'Huge', properties: { blob: 'z'.repeat(kb * 1024) } })),
    fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)), // bad encodings
    fc.constant(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])),
  );
  return fc
    .record({ path: paths, body, headers: auth, gzip: fc.boolean() })
    .map(({ path, body, headers, gzip }) => ({
      path,
      body: gzip ? gzipSync(body) : body,
      headers: {
        'content-type': 'application/json',
        ...headers,
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
    }));
}

describe('ingestion: hostile and malformed requests', () => {
  let ingestion: RunningIngestion;
  let ws: Workspace;

  beforeAll(async () => {
    ingestion = await startIngestion(
      // Many of its requests fail authentication on purpose, all from one address.
      { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000', AUTH_FAILURES_PER_MINUTE: '1000000' },
      'ingestion_fuzz',
    );
    ws = await createWorkspace(ingestion.service.url, 'fuzz');
  });

  afterAll(async () => {
    await ingestion?.close();
  });

  it('never answers 5xx and never crashes: each request gets 2xx, or 400, 401, 413, 415 or 429 with a reason', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(attempts(ws.writeKey), async ({ path, body, headers }) => {
        const response = await fetch(`${ingestion.service.url}${path}`, { method: 'POST', headers, body });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        if (response.status >= 500) throw new Error(`${response.status} for ${path}: ${text.slice(0, 300)}`);
        if (response.status >= 400) {
          expect([400, 401, 413, 415, 429]).toContain(response.status);
          const reason = JSON.parse(text) as { message?: unknown };
          expect(typeof reason.message).toBe('string');
          // Overloaded (a busy machine parsing the largest bodies): refused with a time to come back.
          if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
    // The service is still up and serving.
    expect((await fetch(`${ingestion.service.url}/health/live`)).status).toBe(200);
    // The generator reached the interesting answers, not just one of them.
    for (const status of [400, 401, 413]) expect(seen.get(status) ?? 0).toBeGreaterThan(0);
  });
});
