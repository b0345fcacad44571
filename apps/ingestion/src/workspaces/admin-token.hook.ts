import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AuthFailureLimiter, TOO_MANY_FAILURES, rateLimitHeaders } from '@tsuzuku/platform-auth';

/** Where the admin API's routes live. */
export const ADMIN_ROUTE_PREFIX = '/admin/';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The admin API answers only to `Authorization: Bearer <TSUZUKU_ADMIN_TOKEN>`. It runs as a
 * Fastify onRequest hook, before the body is read: a request without the token gets 401 whatever
 * its body or content type (a Nest guard would run after parsing, so a malformed body would get
 * 400 or 415 first). 503 when the admin API is off; 429 when the client address failed
 * authentication too often (every 401 here counts).
 */
export function adminTokenHook(
  expected: string | undefined,
  failures: AuthFailureLimiter,
): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // The matched route, not the raw URL: no encoding or duplicate slash slips past.
    if (!request.routeOptions.url?.startsWith(ADMIN_ROUTE_PREFIX)) return;
    if (!expected) {
      return reply.code(503).send({
        statusCode: 503,
        error: 'admin_disabled',
        message: 'the admin API is off: set TSUZUKU_ADMIN_TOKEN',
      });
    }
    const blocked = failures.refusal(request.ip);
    if (blocked) {
      return reply
        .code(429)
        .headers(rateLimitHeaders(blocked))
        .send({ statusCode: 429, error: 'rate_limited', message: TOO_MANY_FAILURES });
    }
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Compare digests so the comparison takes the same time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), digest(expected))) {
      failures.failed(request.ip);
      return reply.code(401).header('WWW-Authenticate', 'Bearer realm="tsuzuku-admin"').send({
        statusCode: 401,
        error: 'unauthorized',
        message: 'the admin API needs Authorization: Bearer <TSUZUKU_ADMIN_TOKEN>',
      });
    }
  };
}
