import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { SEGMENT_CALL_TYPES, SegmentCallType } from '@tsuzuku/contracts';
import {
  AuthFailureLimiter,
  CredentialStore,
  TOO_MANY_FAILURES,
  TokenBuckets,
  chargeAll,
  rateLimitHeaders,
} from '@tsuzuku/platform-auth';
import { ChecksOwnBodyValues } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from '../config/ingestion.config';
import { CollectResult, CollectService } from './collect.service';
import { IngestionException } from './ingestion.exception';
import { IngestionExceptionFilter } from './ingestion-exception.filter';
import { writeKeyOf } from './write-key';
import { bodyBytesOf } from './gzip-bodies';
import { ReplicaCount } from './replica-count';
import { CollectMode, IngestionMetrics } from './ingestion.metrics';
import { LoadMonitor } from './load-monitor';
import { BatchAcceptedDto, ErrorBodyDto, SegmentBatchDto, SegmentCallDto } from './dto/segment-call.dto';

const SINGLE_CALLS: readonly SegmentCallType[] = SEGMENT_CALL_TYPES;

/** The Segment HTTP API, as SDKs call it: write key as Basic user, JSON (optionally gzip) bodies. */
@ApiTags('collect')
@ApiBasicAuth()
@Controller('v1')
@UseFilters(IngestionExceptionFilter)
export class CollectController {
  // Per write key: requests, events and body bytes (see guarded).
  private readonly requests: TokenBuckets;
  private readonly events: TokenBuckets;
  private readonly bytes: TokenBuckets;
  private inFlight = 0;

  constructor(
    private readonly collect: CollectService,
    private readonly credentials: CredentialStore,
    private readonly config: IngestionConfig,
    private readonly failures: AuthFailureLimiter,
    replicas: ReplicaCount,
    private readonly metrics: IngestionMetrics,
    private readonly load: LoadMonitor,
  ) {
    this.requests = new TokenBuckets(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST);
    this.events = new TokenBuckets(config.RATE_LIMIT_EVENTS_PER_SECOND, config.RATE_LIMIT_EVENTS_BURST);
    this.bytes = new TokenBuckets(config.RATE_LIMIT_BYTES_PER_SECOND, config.RATE_LIMIT_BYTES_BURST);
    // The configured limits are totals: each of N live replicas admits 1/N of them.
    replicas.onChange((live) => {
      const share = (total: number) => Math.max(1, total / live);
      this.requests.resize(share(config.RATE_LIMIT_PER_SECOND), Math.floor(share(config.RATE_LIMIT_BURST)));
      this.events.resize(
        share(config.RATE_LIMIT_EVENTS_PER_SECOND),
        Math.floor(share(config.RATE_LIMIT_EVENTS_BURST)),
      );
      this.bytes.resize(
        share(config.RATE_LIMIT_BYTES_PER_SECOND),
        Math.floor(share(config.RATE_LIMIT_BYTES_BURST)),
      );
    });
  }

  @Post('batch')
  @ChecksOwnBodyValues()
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a batch of calls (what the SDKs send)' })
  @ApiBody({ type: SegmentBatchDto })
  @ApiResponse({
    status: 200,
    type: BatchAcceptedDto,
    description: 'valid events stored; invalid ones listed by index',
  })
  @ApiResponse({ status: 400, type: ErrorBodyDto, description: 'not a batch, or no valid event in it' })
  @ApiResponse({ status: 401, type: ErrorBodyDto })
  @ApiResponse({ status: 413, type: ErrorBodyDto, description: 'request over 500 KB' })
  @ApiResponse({
    status: 429,
    type: ErrorBodyDto,
    description:
      'rate limit of the write key (requests, events or bytes), too many failed authentications from the address, or ingestion overloaded (`overloaded`: its event-loop delay, the events in progress or the pipeline lag); nothing stored; see Retry-After (and RateLimit-* for the write key limits)',
  })
  @ApiResponse({
    status: 503,
    type: ErrorBodyDto,
    description: 'Kafka or the database unavailable, or ingestion starting; nothing stored; see Retry-After',
  })
  batch(
    @Body() body: unknown,
    @Headers('authorization') auth: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.handleBatch(body, auth, request, reply, 'live');
  }

  @Post('import')
  @ChecksOwnBodyValues()
  @HttpCode(200)
  @ApiOperation({ summary: 'Backfill historical calls: like batch, with timestamps taken as given' })
  @ApiBody({ type: SegmentBatchDto })
  @ApiResponse({ status: 200, type: BatchAcceptedDto })
  @ApiResponse({ status: 400, type: ErrorBodyDto })
  import(
    @Body() body: unknown,
    @Headers('authorization') auth: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.handleBatch(body, auth, request, reply, 'import');
  }

  @Post(':type')
  @ChecksOwnBodyValues()
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one call: track, identify, group, page, screen or alias' })
  @ApiParam({ name: 'type', enum: SINGLE_CALLS })
  @ApiBody({ type: SegmentCallDto })
  @ApiResponse({ status: 200, schema: { example: { success: true } } })
  @ApiResponse({ status: 400, type: ErrorBodyDto, description: 'what was wrong, with each field path' })
  @ApiResponse({ status: 401, type: ErrorBodyDto })
  @ApiResponse({ status: 413, type: ErrorBodyDto })
  @ApiResponse({ status: 429, type: ErrorBodyDto })
  @ApiResponse({ status: 503, type: ErrorBodyDto })
  async single(
    @Param('type') type: string,
    @Body() body: unknown,
    @Headers('authorization') auth: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!SINGLE_CALLS.includes(type as SegmentCallType)) {
      throw new IngestionException('invalid_request', `no such call type "${type}"`, [
        { path: 'type', message: `must be one of ${SINGLE_CALLS.join(', ')}` },
      ]);
    }
    const result = await this.counted('live', 1, () =>
      this.guarded(auth, body, 1, request, reply, (workspaceId) => {
        if (!isObject(body)) throw invalidBody('the body must be a JSON object');
        return this.collect.collect({
          workspaceId,
          items: [body],
          expectedType: type as SegmentCallType,
          mode: 'live',
          correlationId: correlationOf(request),
        });
      }),
    );
    const refused = result.rejected[0];
    if (refused) {
      throw refused.tooLarge
        ? new IngestionException('event_too_large', `the ${type} call is too large`, refused.errors)
        : new IngestionException('invalid_event', `the ${type} call is invalid`, refused.errors);
    }
    return { success: true };
  }

  private async handleBatch(
    body: unknown,
    auth: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    mode: 'live' | 'import',
  ) {
    const calls = isObject(body) && Array.isArray(body['batch']) ? body['batch'].length : 1;
    const result = await this.counted(mode, calls, () =>
      this.guarded(auth, body, calls, request, reply, (workspaceId) => {
        if (!isObject(body)) throw invalidBody('the body must be a JSON object with a "batch" array');
        const { batch, context, sentAt } = body as { batch?: unknown; context?: unknown; sentAt?: unknown };
        if (!Array.isArray(batch)) throw invalidBody('"batch" must be an array of calls', 'batch');
        if (batch.length === 0) throw invalidBody('"batch" must hold at least one call', 'batch');
        if (context !== undefined && !isObject(context))
          throw invalidBody('"context" must be an object', 'context');
        if (sentAt !== undefined && (typeof sentAt !== 'string' || Number.isNaN(Date.parse(sentAt)))) {
          throw invalidBody('"sentAt" must be an ISO-8601 date-time', 'sentAt');
        }
        return this.collect.collect({
          workspaceId,
          items: batch,
          mode,
          batchContext: context as Record<string, unknown> | undefined,
          batchSentAt: sentAt as string | undefined,
          correlationId: randomUUID(),
        });
      }),
    );
    if (result.rejected.length > 0 && result.accepted === 0) {
      throw new IngestionException(
        'invalid_event',
        'no valid call in the batch',
        [],
        {},
        batchReport(result),
      );
    }
    return { success: true, ...batchReport(result) };
  }

  /** Runs a request's work and counts its events: by their outcome, or all refused with the request's reason. */
  private async counted(
    mode: CollectMode,
    calls: number,
    work: () => Promise<CollectResult>,
  ): Promise<CollectResult> {
    let result: CollectResult;
    try {
      result = await work();
    } catch (error) {
      this.metrics.requestRefused(calls, error);
      throw error;
    }
    this.metrics.collected(mode, result);
    return result;
  }

  /**
   * Refuses an address with too many failed authentications, authenticates the write key,
   * charges its rate limits (one request, the request's `calls` events and its body bytes) and
   * applies the in-flight bound, then runs the work.
   */
  private async guarded(
    auth: string | undefined,
    body: unknown,
    calls: number,
    request: FastifyRequest,
    reply: FastifyReply,
    work: (workspaceId: string) => Promise<CollectResult>,
  ): Promise<CollectResult> {
    const blocked = this.failures.refusal(request.ip);
    if (blocked)
      throw new IngestionException('rate_limited', TOO_MANY_FAILURES, [], rateLimitHeaders(blocked));
    const key = writeKeyOf(auth, body);
    if (!key) {
      this.failures.failed(request.ip);
      throw new IngestionException(
        'missing_write_key',
        'no write key: send it as the HTTP Basic user (empty password) or as "writeKey" in the body',
        [],
        { 'WWW-Authenticate': 'Basic realm="tsuzuku"' },
      );
    }
    const credential = this.credentials.authenticate(key, 'write_key');
    // Unknown so far, and the store is still reading the topic: the key may be valid.
    if (!credential && !this.credentials.ready)
      throw new IngestionException(
        'starting',
        'ingestion is starting and still loading write keys; retry shortly',
        [],
        { 'Retry-After': '2' },
      );
    if (!credential) {
      this.failures.failed(request.ip);
      throw new IngestionException('invalid_write_key', 'unknown or revoked write key', [], {
        'WWW-Authenticate': 'Basic realm="tsuzuku"',
      });
    }
    const decision = chargeAll([
      { buckets: this.requests, key: credential.id, cost: 1 },
      { buckets: this.events, key: credential.id, cost: calls },
      { buckets: this.bytes, key: credential.id, cost: bodyBytesOf(request) },
    ]);
    if (!decision.allowed) {
      throw new IngestionException(
        'rate_limited',
        'rate limit of this write key exceeded (requests, events or bytes per second)',
        [],
        rateLimitHeaders(decision),
      );
    }
    void reply.headers(rateLimitHeaders(decision));
    if (this.inFlight >= this.config.MAX_INFLIGHT_REQUESTS) {
      throw new IngestionException(
        'overloaded',
        'ingestion is overloaded: too many requests in progress',
        [],
        {
          'Retry-After': '1',
        },
      );
    }
    const admitted = this.load.admit(calls);
    if (!admitted.admit)
      throw new IngestionException('overloaded', `ingestion is overloaded: ${admitted.detail}`, [], {
        'Retry-After': String(admitted.retryAfterSeconds),
      });
    this.inFlight++;
    const release = this.load.hold(calls);
    let succeeded = false;
    try {
      const result = await work(credential.workspaceId);
      succeeded = true;
      return result;
    } finally {
      this.inFlight--;
      release(succeeded);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidBody(message: string, path = ''): IngestionException {
  return new IngestionException('invalid_request', message, [{ path, message }]);
}

function batchReport(result: CollectResult) {
  return {
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected: result.rejected.map((r) => ({ index: r.index, messageId: r.messageId, errors: r.errors })),
  };
}

function correlationOf(request: FastifyRequest): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : randomUUID();
}
