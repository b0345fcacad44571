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
} from 'class-validator';
import { ToBoolean, ToList, ToNumber } from './transforms';

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

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Human-readable logs instead of JSON lines (local use only). */
  @ToBoolean()
  @IsBoolean()
  LOG_PRETTY = false;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;

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

  /** How often the outbox relay looks for rows when no notification woke it. */
  @ToNumber()
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 1000;
}
