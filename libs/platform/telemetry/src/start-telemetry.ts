import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { BatchSpanProcessor, NoopSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before anything else loads, so HTTP and pg are instrumented. Spans are
 * always created, so trace ids reach logs and Kafka headers; they are exported over OTLP only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set (read by the OTLP exporter itself, as the OTel spec has it).
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  const exporting = Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (!exporting) {
    // Otherwise the SDK defaults to OTLP exporters aimed at localhost, and waits on them at shutdown.
    for (const signal of ['TRACES', 'METRICS', 'LOGS']) env[`OTEL_${signal}_EXPORTER`] ??= 'none';
  }
  // The SDK registers a tracer only when it has a span processor: a no-op one keeps spans (and
  // so trace ids in logs and Kafka headers) without exporting them.
  const spanProcessors: SpanProcessor[] = [
    exporting ? new BatchSpanProcessor(new OTLPTraceExporter()) : new NoopSpanProcessor(),
  ];
  sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? `tsuzuku-${serviceName}`,
    spanProcessors,
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
