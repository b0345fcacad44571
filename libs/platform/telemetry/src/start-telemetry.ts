import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;

type Signal = 'TRACES' | 'METRICS' | 'LOGS';

/**
 * Whether a signal is exported, by the standard variables: OTEL_<SIGNAL>_EXPORTER when set (none
 * turns it off), else an OTLP endpoint for it, general (OTEL_EXPORTER_OTLP_ENDPOINT) or its own
 * (OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT). Without any, nothing is exported: the SDK's default
 * would aim at localhost and wait on it at shutdown.
 */
export function exportsSignal(signal: Signal, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = (env[`OTEL_${signal}_EXPORTER`] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (exporters.length > 0) return !exporters.every((e) => e === 'none');
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]);
}

/**
 * Starts OpenTelemetry before anything else loads, so HTTP and pg are instrumented. Spans are
 * always created, so trace ids reach logs and Kafka headers; they are exported as the standard
 * OTEL_* variables say (exporter, protocol, endpoints, batching, sampler, propagators, resource),
 * read by the SDK itself: `exportsSignal` only decides whether a signal is on.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  for (const signal of ['METRICS', 'LOGS'] as const)
    if (!exportsSignal(signal, env)) env[`OTEL_${signal}_EXPORTER`] = 'none';
  // Without exporting, a no-op span processor: the SDK registers a tracer only when it has a
  // processor, and the spans (so trace ids in logs and Kafka headers) are wanted anyway.
  const traces = exportsSignal('TRACES', env);
  sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? `tsuzuku-${serviceName}`,
    ...(traces ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
    instrumentations: [
      // Outgoing calls only (webhooks, Slack): incoming requests get their server span from
      // ServerSpanInterceptor (platform-runtime), which does not bind request emitters.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
}

/** Flushes and stops the SDK; called at shutdown. */
export async function stopTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
