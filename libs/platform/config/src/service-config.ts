import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ArrayNotEmpty,
  IsArray,
  ValidateBy,
} from 'class-validator';
import * as ipaddr from 'ipaddr.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ToBoolean, ToList, ToNumber } from './transforms';

/** An address (`::1`) or CIDR range (`127.0.0.1/32`). */
function isAddressOrRange(value: unknown): boolean {
  return typeof value === 'string' && (ipaddr.isValidCIDR(value) || ipaddr.isValid(value));
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * What every service reads from its environment. A service's own config class extends this one
 * and sets its default PORT.
 */
export class ServiceConfig {
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tsuzuku';

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Run the repositories' declared statements as named prepared statements, parsed and planned
   * once per connection instead of at every execution. Turn off behind a pooler that does not
   * keep prepared statements per client (PgBouncer in transaction mode before 1.21).
   */
  @ToBoolean()
  @IsBoolean()
  DATABASE_PREPARED_STATEMENTS = true;

  /** How long a migration waits for another instance's migration of the same schema, then fails naming it. */
  @ToNumber()
  @IsInt()
  @Min(1)
  MIGRATION_LOCK_TIMEOUT_MS = 60_000;

  /** Run this service's migrations at boot (the local default; Kubernetes runs them in an init container). */
  @ToBoolean()
  @IsBoolean()
  DB_MIGRATE = true;

  @ToList()
  @ArrayNotEmpty({ message: 'KAFKA_BROKERS must list at least one host:port' })
  @Matches(/^[^\s:,]+:\d{1,5}$/, {
    each: true,
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** Create the declared topics at boot when they are missing. */
  @ToBoolean()
  @IsBoolean()
  KAFKA_PROVISION_TOPICS = true;

  /** Replication factor of topics created at boot (1 for a single local broker). */
  @ToNumber()
  @IsInt()
  @Min(1)
  KAFKA_REPLICATION_FACTOR = 1;

  /**
   * Partition counts that replace the declared ones (libs/contracts/src/topics.ts), as
   * `topic=count` pairs: `cs.events.v1=24,cs.accounts.v1=24`. The provisioner adds partitions to
   * existing topics up to them, never removes any.
   */
  @ToList()
  @Matches(/^cs\.[a-z.]+\.v\d+=[1-9]\d{0,4}$/, {
    each: true,
    message: 'KAFKA_TOPIC_PARTITIONS must be a comma-separated list of topic=count (count 1 or more)',
  })
  KAFKA_TOPIC_PARTITIONS: string[] = [];

  /**
   * Retention (ms, -1 forever) that replaces the declared one, as `topic=ms` pairs:
   * `cs.events.v1=63072000000` keeps customer events two years.
   */
  @ToList()
  @Matches(/^cs\.[a-z.]+\.v\d+=(-1|[1-9]\d{0,15})$/, {
    each: true,
    message: 'KAFKA_TOPIC_RETENTION_MS must be a comma-separated list of topic=ms (ms -1 or 1 or more)',
  })
  KAFKA_TOPIC_RETENTION_MS: string[] = [];

  /**
   * This instance's name, stable across its restarts: the pod name in Kubernetes (the manifests
   * set it from metadata.name). Names what must be one per instance and outlive a crash, such as
   * the credential store's consumer group. Default: host name, process id and a random suffix,
   * distinct for processes side by side on one host and for several services in one process (as
   * the tests run them); a default is never stable across restarts, which is why Kubernetes sets it.
   */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    message: 'INSTANCE_ID must be 1 to 100 letters, digits, dots, dashes or underscores',
  })
  INSTANCE_ID = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Human-readable logs instead of JSON lines (local use only). */
  @ToBoolean()
  @IsBoolean()
  LOG_PRETTY = false;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;

  /** The traces endpoint alone (read by the OpenTelemetry SDK, as every OTEL_* variable). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string = undefined;

  /** How long SIGTERM waits for in-flight work before closing anyway. */
  @ToNumber()
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Attempts a consumer makes at one message before it goes to the dead-letter topic. */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(20)
  CONSUMER_MAX_ATTEMPTS = 5;

  @ToNumber()
  @IsInt()
  @Min(1)
  CONSUMER_RETRY_BASE_MS = 200;

  /**
   * Readiness of a consuming service fails when one of its consumer groups has shown no fetch,
   * batch or heartbeat for this long (it fetches every second when idle, heartbeats every 3 s).
   */
  @ToNumber()
  @IsInt()
  @Min(1000)
  CONSUMER_READY_IDLE_MS = 15_000;

  /** How often the outbox relay looks for rows when no notification woke it. */
  @ToNumber()
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 1000;

  /**
   * Special addresses outbound HTTP (webhooks, Slack-compatible hooks) may reach after all, as
   * addresses or CIDR ranges. Empty in production: loopback, private, link-local, CGNAT and the
   * other special ranges are refused. `npm start`, `npm run demo` and tests with local receivers
   * set 127.0.0.1/32,::1/128.
   */
  @ToList()
  @IsArray()
  @ValidateBy(
    {
      name: 'isAddressOrRange',
      validator: {
        validate: isAddressOrRange,
        defaultMessage: () =>
          'TSUZUKU_OUTBOUND_ALLOW must be a comma-separated list of addresses or CIDR ranges (e.g. 127.0.0.1/32)',
      },
    },
    { each: true },
  )
  TSUZUKU_OUTBOUND_ALLOW: string[] = [];
  /** Requests per second allowed per API token on the Bearer APIs (token bucket), and its burst. */
  @ToNumber()
  @IsInt()
  @Min(1)
  API_RATE_LIMIT_PER_SECOND = 200;

  @ToNumber()
  @IsInt()
  @Min(1)
  API_RATE_LIMIT_BURST = 400;

  /**
   * Failed authentications (401s: API token, write key, admin token) allowed per client address
   * per minute; past them the address gets 429 before its credentials are looked at.
   */
  @ToNumber()
  @IsInt()
  @Min(1)
  AUTH_FAILURES_PER_MINUTE = 120;

  /**
   * Which peers may name the client in X-Forwarded-For (Fastify's trustProxy): a comma-separated
   * list of addresses, CIDRs and the names loopback, linklocal, uniquelocal; a hop count; true
   * (anyone: never where clients reach the service directly) or false. The client address is the
   * nearest one not trusted.
   */
  @Matches(/^(true|false|\d+|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count, or a list of addresses, CIDRs and names',
  })
  TRUST_PROXY = 'loopback,linklocal,uniquelocal';
}

/** TRUST_PROXY as Fastify's trustProxy option takes it. */
export function trustProxyOption(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** What a service that also serves gRPC reads from its environment, besides ServiceConfig. */
export class GrpcServiceConfig extends ServiceConfig {
  /**
   * Port of the service's gRPC server (with server reflection); 0 picks a free one. Unset: the
   * service's default gRPC port, or a free port when PORT is 0 (a service started on a free
   * port, as tests do).
   */
  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  GRPC_PORT?: number = undefined;
}

/** The gRPC port to listen on: GRPC_PORT, else a free one when PORT is 0, else `defaultPort`. */
export function grpcPortOf(config: GrpcServiceConfig, defaultPort: number): number {
  return config.GRPC_PORT ?? (config.PORT === 0 ? 0 : defaultPort);
}
