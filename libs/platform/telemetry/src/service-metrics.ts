import type { Meter } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { observeNodeRuntime } from './runtime-metrics';

/** The Prometheus text format version the scrape answers in (its Content-Type). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Bucket boundaries (seconds) the semantic conventions advise for http.server.request.duration. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** Bucket boundaries (seconds) for pipeline latencies, which run from milliseconds to minutes. */
export const PIPELINE_LATENCY_BUCKETS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900,
];

/** Collected on demand: each scrape of /metrics reads the instruments as they are then. */
class ScrapeReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

interface Metrics {
  readonly provider: MeterProvider;
  readonly reader: ScrapeReader;
  readonly meter: Meter;
  readonly serializer: PrometheusSerializer;
  readonly stopRuntime: () => void;
}

let metrics: Metrics | undefined;

/**
 * Starts the service's meter provider, once per process: the instruments of every library and
 * feature hang off it, and /metrics renders it in the Prometheus text format. A provider of its
 * own (not the global one the OpenTelemetry SDK may register for OTLP export) so that the scrape
 * works whatever OTEL_METRICS_EXPORTER says.
 */
export function startMetrics(serviceName: string, env: NodeJS.ProcessEnv = process.env): Meter {
  if (metrics) return metrics.meter;
  const reader = new ScrapeReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': env['OTEL_SERVICE_NAME'] ?? `tsuzuku-${serviceName}`,
    }),
    readers: [reader],
  });
  const meter = provider.getMeter('tsuzuku');
  metrics = {
    provider,
    reader,
    meter,
    // No otel_scope_name label: every instrument is on the one "tsuzuku" meter.
    serializer: new PrometheusSerializer(undefined, false, undefined, false, true),
    stopRuntime: observeNodeRuntime(meter),
  };
  return meter;
}

/** The meter every Tsuzuku instrument is created on (the provider starts with a generic name when no service started it). */
export function serviceMeter(): Meter {
  return metrics?.meter ?? startMetrics('service');
}

/** Everything measured so far, in the Prometheus text exposition format. */
export async function scrapeMetrics(): Promise<string> {
  const running = metrics ?? (startMetrics('service'), metrics!);
  const { resourceMetrics } = await running.reader.collect({ timeoutMillis: 5_000 });
  return running.serializer.serialize(resourceMetrics);
}

/** Stops the provider (tests); the next startMetrics begins afresh. */
export async function stopMetrics(): Promise<void> {
  const running = metrics;
  metrics = undefined;
  running?.stopRuntime();
  await running?.provider.shutdown();
}
