import { Transform, TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/** Counts the compressed bytes read, so Fastify can check them against Content-Length. */
class EncodedLengthCounter extends Transform {
  receivedEncodedLength = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    callback(null, chunk);
  }
}

/**
 * Accepts what Segment-style SDKs send: JSON bodies, labelled as JSON, form or plain text, and
 * `Content-Encoding: gzip`. The body limit applies to the decompressed
 * bytes, so a small gzip bomb still gets 413.
 */
export function acceptGzipBodies(fastify: FastifyInstance): void {
  // Some SDKs (RudderStack's, browser beacons) label their JSON bodies as form or plain text.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    fastify.addContentTypeParser(type, { parseAs: 'string' }, parseJson);
  }

  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (!encoding || encoding === 'identity') return payload;
    if (encoding !== 'gzip') {
      const error = new Error(`unsupported Content-Encoding "${encoding}": send gzip or none`) as Error & {
        statusCode: number;
      };
      error.statusCode = 415;
      throw error;
    }
    const counter = new EncodedLengthCounter();
    const gunzip = createGunzip();
    const output = payload.pipe(counter).pipe(gunzip) as unknown as NodeJS.ReadableStream & {
      receivedEncodedLength: number;
    };
    // Fastify reads this to compare with Content-Length.
    Object.defineProperty(output, 'receivedEncodedLength', { get: () => counter.receivedEncodedLength });
    gunzip.on('error', () => undefined);
    return output;
  });
}
