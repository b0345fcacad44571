import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { GrpcServiceConfig, ServiceConfig, grpcPortOf, trustProxyOption } from './service-config';

class ExampleConfig extends ServiceConfig {
  override PORT = 3999;
}

describe('loadConfig', () => {
  it('uses the class defaults when the environment is empty', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(config.PORT).toBe(3999);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DB_MIGRATE).toBe(true);
    // Production default: outbound HTTP reaches no internal address.
    expect(config.TSUZUKU_OUTBOUND_ALLOW).toEqual([]);
  });

  it('reads and converts variables', () => {
    const config = loadConfig(ExampleConfig, {
      PORT: '4100',
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      DB_MIGRATE: 'false',
      LOG_LEVEL: 'debug',
      TSUZUKU_OUTBOUND_ALLOW: '127.0.0.1/32, ::1',
    });
    expect(config).toMatchObject({
      PORT: 4100,
      KAFKA_BROKERS: ['k1:9092', 'k2:9093'],
      DB_MIGRATE: false,
      LOG_LEVEL: 'debug',
      TSUZUKU_OUTBOUND_ALLOW: ['127.0.0.1/32', '::1'],
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://x'],
    ['KAFKA_BROKERS', 'no-port-here'],
    ['DB_MIGRATE', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
    ['TSUZUKU_OUTBOUND_ALLOW', '127.0.0.1/33'],
    ['TSUZUKU_OUTBOUND_ALLOW', 'localhost'],
    ['TRUST_PROXY', 'everyone please'],
    ['AUTH_FAILURES_PER_MINUTE', '0'],
    ['API_RATE_LIMIT_BURST', 'lots'],
  ])('stops on a malformed %s with one line naming it', (name, value) => {
    let caught: unknown;
    try {
      loadConfig(ExampleConfig, { [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });
});

describe('trustProxyOption', () => {
  it.each<[string, boolean | number | string]>([
    ['loopback,linklocal,uniquelocal', 'loopback,linklocal,uniquelocal'],
    ['10.0.0.0/8, 192.168.1.7', '10.0.0.0/8, 192.168.1.7'],
    ['2', 2],
    ['true', true],
    ['false', false],
  ])('takes TRUST_PROXY=%s as %j', (value, expected) => {
    expect(loadConfig(ExampleConfig, { TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    expect(trustProxyOption(value)).toEqual(expected);
  });
});

describe('grpcPortOf', () => {
  class GrpcExampleConfig extends GrpcServiceConfig {
    override PORT = 3998;
  }

  it('takes GRPC_PORT when set, else a free port beside a free PORT, else the default', () => {
    expect(grpcPortOf(loadConfig(GrpcExampleConfig, { GRPC_PORT: '6001' }), 5999)).toBe(6001);
    expect(grpcPortOf(loadConfig(GrpcExampleConfig, { GRPC_PORT: '0' }), 5999)).toBe(0);
    expect(grpcPortOf(loadConfig(GrpcExampleConfig, { PORT: '0' }), 5999)).toBe(0);
    expect(grpcPortOf(loadConfig(GrpcExampleConfig, {}), 5999)).toBe(5999);
  });

  it('refuses a GRPC_PORT that is not a port', () => {
    expect(() => loadConfig(GrpcExampleConfig, { GRPC_PORT: '70000' })).toThrow(ConfigError);
  });
});
