import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ServiceConfig, ToList, ToNumber } from '@tsuzuku/platform-config';

/** Environment of the ingestion service. */
export class IngestionConfig extends ServiceConfig {
  override PORT = 3001;

  /** Bearer token of the admin API (workspaces, write keys, API tokens); the admin API is off without it. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'TSUZUKU_ADMIN_TOKEN must be at least 16 characters' })
  TSUZUKU_ADMIN_TOKEN?: string = undefined;

  /** How long a messageId is remembered to drop repeats. */
  @ToNumber()
  @IsInt()
  @Min(24)
  @Max(24 * 30)
  DEDUPE_WINDOW_HOURS = 48;

  /** Requests per second allowed per write key (token bucket), and its burst. */
  @ToNumber()
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_SECOND = 1000;

  @ToNumber()
  @IsInt()
  @Min(1)
  RATE_LIMIT_BURST = 2000;

  /** Events per second allowed per write key (a batch costs its calls), and its burst. */
  @ToNumber()
  @IsInt()
  @Min(1)
  RATE_LIMIT_EVENTS_PER_SECOND = 50_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  RATE_LIMIT_EVENTS_BURST = 100_000;

  /** Request-body bytes per second allowed per write key (as decompressed), and its burst. */
  @ToNumber()
  @IsInt()
  @Min(1024)
  RATE_LIMIT_BYTES_PER_SECOND = 64 * 1024 * 1024;

  @ToNumber()
  @IsInt()
  @Min(1024)
  RATE_LIMIT_BYTES_BURST = 128 * 1024 * 1024;

  /**
   * The rate limits above are totals across the replicas: each replica registers itself in
   * ingestion.instances every REPLICA_HEARTBEAT_MS and takes limit / live replicas, live being
   * seen within REPLICA_EXPIRY_MS.
   */
  @ToNumber()
  @IsInt()
  @Min(100)
  REPLICA_HEARTBEAT_MS = 2_000;

  @ToNumber()
  @IsInt()
  @Min(1_000)
  REPLICA_EXPIRY_MS = 10_000;

  /** Requests processed at once; past it, 429 (overloaded) with Retry-After, so memory stays bounded. */
  @ToNumber()
  @IsInt()
  @Min(1)
  MAX_INFLIGHT_REQUESTS = 256;

  /**
   * Overload (429 `overloaded` with Retry-After, docs/events.md): past this p99 event-loop delay
   * of the last half second, this replica cannot answer in time and refuses every request.
   */
  @ToNumber()
  @IsInt()
  @Min(10)
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS = 300;

  /** Overload: events of requests in progress at once, past which a request is refused. */
  @ToNumber()
  @IsInt()
  @Min(100)
  OVERLOAD_MAX_PENDING_EVENTS = 10_000;

  /**
   * Overload: the answer time (p90 over the last half second of requests answered with success)
   * from which a growing share of requests is refused, all of them at twice it.
   */
  @ToNumber()
  @IsInt()
  @Min(10)
  OVERLOAD_MAX_ANSWER_MS = 500;

  /**
   * Overload: the lag of the slowest of OVERLOAD_LAG_GROUPS on cs.events.v1 from which a growing
   * share of requests is refused, and the lag from which all of them are.
   */
  @ToNumber()
  @IsInt()
  @Min(1)
  OVERLOAD_LAG_SOFT_LIMIT = 20_000;

  @ToNumber()
  @IsInt()
  @Min(1)
  OVERLOAD_LAG_HARD_LIMIT = 60_000;

  /**
   * The consumer groups of the pipeline that read cs.events.v1, whose lag ingestion watches; empty
   * turns the lag signal off. A group with no committed offset (not deployed) is left out.
   */
  @ToList()
  @Matches(/^[A-Za-z0-9._-]+$/, { each: true, message: 'OVERLOAD_LAG_GROUPS must list consumer group ids' })
  OVERLOAD_LAG_GROUPS: string[] = ['health-scoring.scoring', 'playbooks.signals', 'reporting.read-models'];

  /** How often each replica reads those groups' lag, in ms. */
  @ToNumber()
  @IsInt()
  @Min(100)
  OVERLOAD_LAG_EVERY_MS = 1_000;

  /** How long a request waits for Kafka's acknowledgement before answering 503. */
  @ToNumber()
  @IsInt()
  @Min(100)
  PUBLISH_TIMEOUT_MS = 5000;

  @ToNumber()
  @IsInt()
  @Min(1024)
  MAX_EVENT_BYTES = 32 * 1024;

  @ToNumber()
  @IsInt()
  @Min(1024)
  MAX_REQUEST_BYTES = 500 * 1024;

  /** Live calls (not /v1/import): the oldest event time accepted, in days before receipt, after clock-skew correction. */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(3650)
  LIVE_EVENT_MAX_AGE_DAYS = 30;

  /** /v1/import: the earliest event time accepted (ISO-8601). */
  @IsISO8601({ strict: true })
  IMPORT_EARLIEST_EVENT_TIME = '2000-01-01T00:00:00Z';

  /** How far past the time of receipt an event time may be (client clocks run fast). */
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(86_400)
  EVENT_TIME_FUTURE_TOLERANCE_SECONDS = 300;
}
