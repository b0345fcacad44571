import { exportsSignal } from './start-telemetry';

describe('exportsSignal', () => {
  it.each([
    [{}, 'TRACES', false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'TRACES', true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'TRACES', true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'METRICS', false],
    [{ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://collector:4318/v1/metrics' }, 'METRICS', true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, 'TRACES', false],
    [{ OTEL_TRACES_EXPORTER: 'console' }, 'TRACES', true],
    [{ OTEL_TRACES_EXPORTER: 'otlp, none' }, 'TRACES', true],
    [{ OTEL_METRICS_EXPORTER: 'prometheus' }, 'METRICS', true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }, 'TRACES', false],
  ] as const)('%j exports %s: %s', (env, signal, expected) => {
    expect(exportsSignal(signal, { ...env })).toBe(expected);
  });
});
