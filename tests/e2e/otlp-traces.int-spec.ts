import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  BuiltService,
  TestDatabase,
  createTestDatabase,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

interface Export {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/**
 * The standard OTEL_* variables, as an SRE sets them: only the traces endpoint given
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and a collector stand-in, a real HTTP server on loopback,
 * receives the spans over OTLP/HTTP.
 */
describe('traces exported to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone', () => {
  let db: TestDatabase;
  let collector: Server;
  let ingestion: BuiltService;
  const exports: Export[] = [];

  beforeAll(async () => {
    collector = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        exports.push({
          path: request.url ?? '',
          contentType: String(request.headers['content-type']),
          body: Buffer.concat(chunks),
        });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    db = await createTestDatabase('e2e_otlp');
    ingestion = await startBuiltService(
      'ingestion',
      {
        DATABASE_URL: db.url,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        // Exported at once rather than every 5 s, so the test waits less.
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      180_000,
    );
  }, 240_000);

  afterAll(async () => {
    await ingestion?.stop();
    await new Promise<void>((resolve) => collector?.close(() => resolve()));
    await db?.drop();
  });

  it('sends the server span of a request, in the caller’s trace, to that endpoint', async () => {
    const traceId = randomBytes(16).toString('hex');
    const answer = await fetch(`${ingestion.url}/v1/track`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ userId: 'u1', event: 'Signed In' }),
    });
    // No write key: refused, and the refusal is traced like any request.
    expect(answer.status).toBe(401);

    // OTLP/HTTP protobuf carries a trace id as its 16 raw bytes.
    const traceBytes = Buffer.from(traceId, 'hex');
    const received = await waitFor(() => exports.find((e) => e.body.includes(traceBytes)), {
      what: 'the span of the request at the collector',
      timeoutMs: 30_000,
    });
    expect(received.path).toBe('/v1/traces');
    expect(received.contentType).toBe('application/x-protobuf');
    expect(received.body.includes(Buffer.from('tsuzuku-ingestion'))).toBe(true);
    // The server span, named by its route.
    expect(received.body.includes(Buffer.from('POST /v1/:type'))).toBe(true);
  });
});
