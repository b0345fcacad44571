import type { FastifyInstance } from 'fastify';
import {
  AttributeSets,
  HTTP_DURATION_BUCKETS,
  PROMETHEUS_CONTENT_TYPE,
  scrapeMetrics,
  serviceMeter,
} from '@tsuzuku/platform-telemetry';

/** Where Prometheus scrapes every service, on its HTTP port. */
export const METRICS_PATH = '/metrics';

// The methods the semantic conventions name; any other is reported as _OTHER.
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/**
 * Serves GET /metrics (the Prometheus text format, no authentication: it holds no secret and no
 * workspace's data, only route templates, status codes and service-wide counts) and records
 * http.server.request.duration for every request, by method, route template and status code.
 * The attributes of each (method, route, status) are built once and reused: the hook runs on
 * every request, ingestion's hot path included.
 */
export function installHttpMetrics(fastify: FastifyInstance): void {
  const duration = serviceMeter().createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests',
    advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
  });
  const attributeSets = new AttributeSets();
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route template, never the URL: no id or query string becomes a label.
    const route = request.routeOptions.url;
    const method = KNOWN_METHODS.has(request.method) ? request.method : '_OTHER';
    const status = reply.statusCode;
    const attributes = attributeSets.of(`${method} ${status} ${route ?? ''}`, () => ({
      'http.request.method': method,
      'http.response.status_code': status,
      ...(route ? { 'http.route': route } : {}),
    }));
    duration.record(reply.elapsedTime / 1000, attributes);
    done();
  });
  fastify.get(METRICS_PATH, async (_request, reply) => {
    void reply.header('content-type', PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store');
    return scrapeMetrics();
  });
}
