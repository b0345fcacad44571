import { Injectable, Logger } from '@nestjs/common';
import {
  EventEnvelope,
  EventRegistry,
  FieldProblem,
  Header,
  SPEC_VERSION,
  SegmentCall,
  SegmentCallType,
  checkSegmentCall,
} from '@tsuzuku/contracts';
import { EventPublisher, RawMessage } from '@tsuzuku/platform-kafka';
import { Clock } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from '../config/ingestion.config';
import { REFUSED_EVENTS_TOPIC } from '../topics';
import { Claim, DedupeLedger } from './dedupe-ledger';
import { MembershipChange, MembershipRepository } from './membership.repository';
import { IngestionException } from './ingestion.exception';
import { EventTimeWindow, checkEventTime } from './domain/event-time';
import { isFaultOfOurs } from './failure-cause';
import { eventId, newMessageId } from './domain/event-identity';
import { accountNamedBy, actorOf } from './domain/account-of';
import { withBatchContext } from './domain/batch-context';
import { TrackingPlanService } from '../tracking-plan/tracking-plan.service';
import { EMPTY_COMPILED_PLAN, applyPlan, isTrackCall } from '../tracking-plan/domain/tracking-plan';

type CustomerEvent = EventEnvelope<'customer.event.recorded', EventRegistry['customer.event.recorded']>;

export interface RejectedEvent {
  readonly index: number;
  readonly messageId: string | null;
  /** Over MAX_EVENT_BYTES (413 for a single call), else invalid (400). */
  readonly tooLarge: boolean;
  readonly errors: readonly FieldProblem[];
}

export interface CollectResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedEvent[];
}

export interface CollectRequest {
  readonly workspaceId: string;
  /** The calls as the client sent them (items of a batch, or one call). */
  readonly items: readonly unknown[];
  /** The endpoint's call type; undefined for batch and import (each item names its own). */
  readonly expectedType?: SegmentCallType;
  readonly mode: 'live' | 'import';
  readonly batchContext?: Record<string, unknown>;
  readonly batchSentAt?: string;
  readonly correlationId: string;
}

const MEMBERSHIP_CACHE_SIZE = 100_000;

/** A valid call, with its messageId (assigned when missing), its event id and its event time. */
interface Candidate {
  readonly call: SegmentCall;
  readonly messageId: string;
  readonly id: string;
  readonly occurredAt: Date;
}

/**
 * The collect path: validates every call and its event time (clock skew corrected, within the
 * window) before any I/O, drops repeats of a messageId within the window, resolves each event's
 * account, and publishes the valid events (and the refused ones to the dead-letter topic) before
 * it answers. Nothing is acknowledged that Kafka
 * has not stored: an event id stays in the deduplication ledger only once Kafka acknowledged it
 * (see DedupeLedger for how the claim's transaction makes that hold across instances).
 */
@Injectable()
export class CollectService {
  private readonly logger = new Logger(CollectService.name);
  // Recent memberships, to spare most events a database lookup. Bounded; the table is the truth.
  private readonly memberships = new Map<string, string>();
  // Event ids of this process's attempts whose claims are still open.
  private readonly inFlight = new Set<string>();
  private readonly window: EventTimeWindow;

  constructor(
    private readonly config: IngestionConfig,
    private readonly ledger: DedupeLedger,
    private readonly membershipRepository: MembershipRepository,
    private readonly publisher: EventPublisher,
    private readonly plans: TrackingPlanService,
    private readonly clock: Clock,
  ) {
    this.window = {
      liveMaxAgeMs: config.LIVE_EVENT_MAX_AGE_DAYS * 86_400_000,
      importEarliest: new Date(config.IMPORT_EARLIEST_EVENT_TIME),
      futureToleranceMs: config.EVENT_TIME_FUTURE_TOLERANCE_SECONDS * 1000,
    };
  }

  async collect(request: CollectRequest): Promise<CollectResult> {
    // Event times are judged against it (clock skew, the live window) and stamped on the envelope.
    const receivedAt = this.clock.now();
    const rejected: RejectedEvent[] = [];
    const valid: Candidate[] = [];
    // The workspace's own names and values become Tsuzuku's before validation (cached: no query).
    // Read only for track calls, so other calls are judged (400 or not) while Postgres is down.
    const plan = request.items.some((item) => isTrackCall(item, request.expectedType))
      ? await this.plans.compiledPlanOf(request.workspaceId).catch((error: unknown) => {
          throw this.databaseFailure('the tracking plan', error);
        })
      : EMPTY_COMPILED_PLAN;
    request.items.forEach((item, index) => {
      const problems = this.sizeProblems(item);
      const check =
        problems.length === 0
          ? checkSegmentCall(
              applyPlan(plan, this.merge(item, request), request.expectedType),
              request.expectedType,
            )
          : undefined;
      const time = check?.ok
        ? checkEventTime(check.call, request.batchSentAt, receivedAt, request.mode, this.window)
        : undefined;
      if (check?.ok && time?.ok) {
        const messageId = check.call.messageId ?? newMessageId();
        valid.push({
          call: check.call,
          messageId,
          id: eventId(request.workspaceId, messageId),
          occurredAt: time.at,
        });
      } else {
        rejected.push({
          index,
          messageId: messageIdOf(item),
          tooLarge: !check,
          errors: time && !time.ok ? [time.problem] : check && !check.ok ? check.problems : problems,
        });
      }
    });

    // Within one request, a repeated messageId counts once.
    const seen = new Set<string>();
    const unique = valid.filter((v) => !seen.has(v.id) && seen.add(v.id));
    const waiting = unique.find((v) => this.inFlight.has(v.id));
    if (waiting)
      throw new IngestionException(
        'kafka_unavailable',
        `an earlier attempt with the same messageId (${waiting.messageId}) is still waiting for Kafka; retry later`,
        [],
        { 'Retry-After': '2' },
      );
    // Held until the attempt's claim is settled, even when the client has had its 503 by then.
    for (const v of unique) this.inFlight.add(v.id);
    const deadline = { passed: false };
    const attempt = this.attempt(request, unique, rejected, receivedAt, deadline);
    const release = () => unique.forEach((v) => this.inFlight.delete(v.id));
    attempt.settled.then(release, release);
    const published = await this.answered(attempt.published, deadline, unique.length + rejected.length);
    this.plans.countUnmatched(
      request.workspaceId,
      unique.map((v) => v.call),
      receivedAt,
    );
    return { accepted: valid.length, duplicates: valid.length - published, rejected };
  }

  /**
   * Claims the event ids, publishes the fresh ones with the dead letters, and settles the claim
   * with what Kafka took. `published` resolves with the count once Kafka acknowledged;
   * `settled` once the claim is settled, which may be after the client had its answer.
   */
  private attempt(
    request: CollectRequest,
    unique: readonly Candidate[],
    rejected: readonly RejectedEvent[],
    receivedAt: Date,
    deadline: { readonly passed: boolean },
  ): { published: Promise<number>; settled: Promise<void> } {
    let markSettled!: () => void;
    const settled = new Promise<void>((resolve) => (markSettled = resolve));
    const published = (async () => {
      let claim: Claim;
      try {
        claim = await this.ledger.claim(unique.map((v) => v.id));
      } catch (error) {
        markSettled();
        throw this.databaseFailure('the deduplication ledger', error);
      }
      let sent: readonly string[] = [];
      // From the send on, a failure may come after Kafka stored the events.
      let inDoubt: readonly string[] = [];
      try {
        // The client has had its 503: publish nothing, so its retry is the one that counts.
        if (deadline.passed) throw new Error('answered before the ledger did');
        const fresh = unique.filter((v) => claim.fresh.has(v.id));
        const events = await this.envelopes(request, fresh, receivedAt).catch((error: unknown) => {
          throw this.databaseFailure('the membership table', error);
        });
        await claim.sendable.catch((error: unknown) => {
          throw this.databaseFailure('the deduplication ledger', error);
        });
        inDoubt = events.envelopes.map((e) => e.id);
        await this.send(events.envelopes, this.deadLetters(request, rejected, receivedAt));
        [sent, inDoubt] = [inDoubt, []];
        for (const change of events.changes)
          this.remember(request.workspaceId, change.actor, change.accountId);
        return events.envelopes.length;
      } finally {
        claim.settle(sent, inDoubt);
        markSettled();
      }
    })();
    return { published, settled };
  }

  /** The events to publish, each with its account resolved; records the group calls' memberships. */
  private async envelopes(
    request: CollectRequest,
    fresh: readonly Candidate[],
    receivedAt: Date,
  ): Promise<{ envelopes: CustomerEvent[]; changes: MembershipChange[] }> {
    const known = await this.knownMemberships(request.workspaceId, fresh, (actors) =>
      this.membershipRepository.accountsOf(request.workspaceId, actors),
    );
    const changes = new Map<string, MembershipChange>();
    const received = receivedAt.toISOString();
    const envelopes = fresh.map(({ call, messageId, id, occurredAt }) => {
      const actor = actorOf(call);
      let accountId = accountNamedBy(call);
      if (call.type === 'group' && actor && accountId) {
        known.set(actor, accountId);
        const previous = changes.get(actor);
        if (!previous || previous.at <= occurredAt) changes.set(actor, { actor, accountId, at: occurredAt });
      }
      accountId ??= actor ? (known.get(actor) ?? null) : null;
      return this.envelope(request, call, id, messageId, accountId, occurredAt, received);
    });
    await this.membershipRepository.record(request.workspaceId, [...changes.values()]);
    return { envelopes, changes: [...changes.values()] };
  }

  private merge(item: unknown, request: CollectRequest): unknown {
    if (!request.batchContext || typeof item !== 'object' || item === null || Array.isArray(item))
      return item;
    return withBatchContext(item as SegmentCall, request.batchContext);
  }

  private sizeProblems(item: unknown): FieldProblem[] {
    const bytes = Buffer.byteLength(JSON.stringify(item) ?? '');
    return bytes > this.config.MAX_EVENT_BYTES
      ? [{ path: '', message: `event is ${bytes} bytes; the limit is ${this.config.MAX_EVENT_BYTES}` }]
      : [];
  }

  /** Actors' accounts from the cache, then one query for the rest. */
  private async knownMemberships(
    workspaceId: string,
    calls: readonly { call: SegmentCall }[],
    lookup: (actors: string[]) => Promise<Map<string, string>>,
  ): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    const missing = new Set<string>();
    for (const { call } of calls) {
      const actor = actorOf(call);
      if (!actor || accountNamedBy(call) || known.has(actor)) continue;
      const cached = this.memberships.get(`${workspaceId}\u0000${actor}`);
      if (cached) known.set(actor, cached);
      else missing.add(actor);
    }
    if (missing.size > 0) {
      for (const [actor, accountId] of await lookup([...missing])) {
        known.set(actor, accountId);
        this.remember(workspaceId, actor, accountId);
      }
    }
    return known;
  }

  private remember(workspaceId: string, actor: string, accountId: string): void {
    const key = `${workspaceId}\u0000${actor}`;
    this.memberships.delete(key);
    if (this.memberships.size >= MEMBERSHIP_CACHE_SIZE)
      this.memberships.delete(this.memberships.keys().next().value!);
    this.memberships.set(key, accountId);
  }

  private envelope(
    request: CollectRequest,
    call: SegmentCall,
    id: string,
    messageId: string,
    accountId: string | null,
    occurredAt: Date,
    receivedAt: string,
  ): CustomerEvent {
    const occurred = occurredAt.toISOString();
    // Built field by field: the optional fields appear only when the call has them.
    const data: Partial<Record<keyof CustomerEvent['data'], unknown>> = { call: call.type, messageId };
    if (call.event !== undefined) data.event = call.event;
    if (call.name !== undefined) data.name = call.name;
    if (call.groupId !== undefined) data.groupId = call.groupId;
    if (call.previousId !== undefined) data.previousId = call.previousId;
    data.userId = call.userId ?? null;
    data.anonymousId = call.anonymousId ?? null;
    data.properties = call.properties ?? {};
    data.traits = call.traits ?? {};
    data.context = call.context ?? {};
    data.timestamp = occurred;
    data.receivedAt = receivedAt;
    data.sentAt = call.sentAt ?? request.batchSentAt ?? null;
    data.originalTimestamp = call.timestamp ?? call.originalTimestamp ?? null;
    // History: downstream builds the past from it and takes no action of the present on it.
    if (request.mode === 'import') data.backfill = true;
    return {
      specVersion: SPEC_VERSION,
      id,
      type: 'customer.event.recorded',
      workspaceId: request.workspaceId,
      accountId,
      occurredAt: occurred,
      producedAt: receivedAt,
      source: 'ingestion',
      correlationId: request.correlationId,
      causationId: null,
      data: data as CustomerEvent['data'],
    };
  }

  private deadLetters(
    request: CollectRequest,
    rejected: readonly RejectedEvent[],
    receivedAt: Date,
  ): RawMessage[] {
    return rejected.map((r) => ({
      key: request.workspaceId,
      value: JSON.stringify(request.items[r.index] ?? null),
      headers: {
        [Header.WorkspaceId]: request.workspaceId,
        [Header.DeadLetterReason]: r.errors
          .map((e) => `${e.path || '(event)'}: ${e.message}`)
          .join('; ')
          .slice(0, 2000),
        [Header.DeadLetterErrorCode]: 'invalid_event',
        [Header.DeadLetterService]: 'ingestion',
        [Header.DeadLetterFailedAt]: receivedAt.toISOString(),
        'tsuzuku-dlq-batch-index': String(r.index),
      },
    }));
  }

  /** Publishes the events and the dead letters; resolves when Kafka acknowledged both. */
  private async send(events: CustomerEvent[], deadLetters: RawMessage[]): Promise<void> {
    await Promise.all([
      this.publisher.publish(events),
      this.publisher.publishRaw(REFUSED_EVENTS_TOPIC, deadLetters),
    ]);
  }

  /**
   * A failed database call as the client sees it: 503 when Postgres is unreachable or busy,
   * else 500 (a statement it refused is a fault of ours; retrying would not help). The driver's
   * text goes to the log only, never into the answer.
   */
  private databaseFailure(what: string, error: unknown): IngestionException {
    if (isFaultOfOurs(error)) return this.internalError(`reading or writing ${what}`, error);
    this.logger.warn(`${what} did not answer: ${(error as Error).message}`);
    return new IngestionException(
      'database_unavailable',
      `${what} did not answer; retry with the same messageIds (an event is never counted twice)`,
      [],
      { 'Retry-After': '5' },
    );
  }

  private internalError(what: string, error: unknown): IngestionException {
    this.logger.error(`failed ${what}: ${(error as Error).stack ?? String(error)}`);
    return new IngestionException(
      'internal_error',
      'ingestion failed on this request; the error is logged for its operators',
    );
  }

  /**
   * Waits for the attempt, or answers 503 once PUBLISH_TIMEOUT_MS has passed: Kafka or the
   * ledger did not answer in time. The attempt goes on; what Kafka takes after the answer is
   * recorded, so the client's retry is acknowledged and not published again.
   */
  private async answered(
    published: Promise<number>,
    deadline: { passed: boolean },
    count: number,
  ): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.passed = true;
        reject(new Error(`no acknowledgement within ${this.config.PUBLISH_TIMEOUT_MS} ms`));
      }, this.config.PUBLISH_TIMEOUT_MS);
    });
    try {
      return await Promise.race([published, timeout]);
    } catch (error) {
      published.catch(() => undefined);
      if (error instanceof IngestionException) throw error;
      if (isFaultOfOurs(error)) throw this.internalError(`publishing ${count} event(s)`, error);
      this.logger.warn(`Kafka did not take ${count} event(s): ${(error as Error).message}`);
      throw new IngestionException(
        'kafka_unavailable',
        'Kafka did not acknowledge in time; retry with the same messageIds (an event is never counted twice)',
        [],
        { 'Retry-After': '5' },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function messageIdOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null;
  const id = (item as { messageId?: unknown }).messageId;
  return typeof id === 'string' ? id : null;
}
