import { Transform, TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyBodyParser, FastifyInstance, FastifyRequest } from 'fastify';
import { jsonNestsDeeperThan } from './domain/json-depth';
import { IngestionException } from './ingestion.exception';

const decodedBytes = new WeakMap<FastifyRequest, { bytes: number }>();

/** The request body's size as decompressed (what the bytes rate limit charges); 0 without a body. */
export function bodyBytesOf(request: FastifyRequest): number {
  return decodedBytes.get(request)?.bytes ?? 0;
}

/** Counts the bytes that flow through into the request's decoded size. */
class DecodedLengthCounter extends Transform {
  constructor(private readonly size: { bytes: number }) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** Counts the compressed bytes read, so Fastify can check them against Content-Length. */
class EncodedLengthCounter extends Transform {
  receivedEncodedLength = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    callback(null, chunk);
  }
}

/**
 * Deepest nesting of objects and arrays a request body may have. A valid call nests at most
 * MAX_DEPTH (16) levels, two more inside a batch; up to this limit a deeper call is refused on its
 * own (by index in a batch), past it the whole body is, before it is parsed, so nothing recursive
 * (JSON.stringify, the validators) ever sees it.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * Accepts what Segment-style SDKs send: JSON bodies, labelled as JSON, form or plain text, and
 * `Content-Encoding: gzip`. The body limit applies to the decompressed bytes, so a small gzip
 * bomb still gets 413; a body nested deeper than MAX_BODY_DEPTH gets 400 before it is parsed.
 */
export function acceptGzipBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const parseBoundedJson: FastifyBodyParser<string> = (request, body, done) => {
    if (!jsonNestsDeeperThan(body, MAX_BODY_DEPTH)) return parseJson(request, body, done);
    const message = `the body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep`;
    done(new IngestionException('invalid_request', message, [{ path: '', message }]));
  };
  // Some SDKs (RudderStack's, browser beacons) label their JSON bodies as form or plain text.
  for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    fastify.addContentTypeParser(type, { parseAs: 'string' }, parseBoundedJson);
  }

  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const size = { bytes: 0 };
    decodedBytes.set(request, size);
    const encoding = request.headers['content-encoding'];
    if (!encoding || encoding === 'identity') {
      const length = Number(request.headers['content-length']);
      // Fastify refuses a body whose length differs from Content-Length: the header is the size.
      if (Number.isSafeInteger(length) && length >= 0) {
        size.bytes = length;
        return payload;
      }
      return payload.pipe(new DecodedLengthCounter(size));
    }
    if (encoding !== 'gzip') {
      const error = new Error(`unsupported Content-Encoding "${encoding}": send gzip or none`) as Error & {
        statusCode: number;
      };
      error.statusCode = 415;
      throw error;
    }
    const counter = new EncodedLengthCounter();
    const gunzip = createGunzip();
    const decoded = new DecodedLengthCounter(size);
    // Fastify listens for errors on the stream it reads: a corrupt gzip body must end it (400).
    gunzip.on('error', (error) => decoded.destroy(error));
    const output = payload.pipe(counter).pipe(gunzip).pipe(decoded) as unknown as NodeJS.ReadableStream & {
      receivedEncodedLength: number;
    };
    // Fastify reads this to compare with Content-Length.
    Object.defineProperty(output, 'receivedEncodedLength', { get: () => counter.receivedEncodedLength });
    return output;
  });
}
