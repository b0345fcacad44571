import { Injectable, Logger } from '@nestjs/common';
import {
  EventEnvelope,
  EventRegistry,
  FieldProblem,
  Header,
  SPEC_VERSION,
  SegmentCall,
  SegmentCallType,
  Topic,
  checkSegmentCall,
} from '@tsuzuku/contracts';
import { EventPublisher, RawMessage } from '@tsuzuku/platform-kafka';
import { IngestionConfig } from '../config/ingestion.config';
import { IngestionStore, MembershipChange } from './ingestion.store';
import { IngestionException, IngestionExceptionCode } from './ingestion.exception';
import { eventTime } from './domain/event-time';
import { eventId, newMessageId } from './domain/event-identity';
import { accountNamedBy, actorOf } from './domain/account-of';
import { withBatchContext } from './domain/batch-context';

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

/**
 * The collect path: validates every call, drops repeats of a messageId within the window,
 * corrects event time, resolves each event's account, and publishes the valid events (and the
 * refused ones to the dead-letter topic) before it answers. Nothing is acknowledged that Kafka
 * has not stored: a messageId enters the deduplication ledger only after Kafka acknowledged it.
 */
@Injectable()
export class CollectService {
  private readonly logger = new Logger(CollectService.name);
  // Recent memberships, to spare most events a database lookup. Bounded; the table is the truth.
  private readonly memberships = new Map<string, string>();
  // messageIds (workspaceId NUL messageId) of this process's attempts that Kafka has not answered.
  private readonly inFlight = new Set<string>();
  // messageIds Kafka acknowledged whose ledger rows are still being written: the answer does not
  // wait for the ledger, and a retry meanwhile is a duplicate all the same.
  private readonly recording = new Set<string>();

  constructor(
    private readonly config: IngestionConfig,
    private readonly store: IngestionStore,
    private readonly publisher: EventPublisher,
  ) {}

  async collect(request: CollectRequest): Promise<CollectResult> {
    const receivedAt = new Date();
    const rejected: RejectedEvent[] = [];
    const valid: { index: number; call: SegmentCall; messageId: string }[] = [];
    request.items.forEach((item, index) => {
      const problems = this.sizeProblems(item);
      const check =
        problems.length === 0 ? checkSegmentCall(this.merge(item, request), request.expectedType) : undefined;
      if (check?.ok) {
        valid.push({ index, call: check.call, messageId: check.call.messageId ?? newMessageId() });
      } else {
        rejected.push({
          index,
          messageId: messageIdOf(item),
          tooLarge: !check,
          errors: check ? check.problems : problems,
        });
      }
    });

    // Within one request, a repeated messageId counts once.
    const seen = new Set<string>();
    const unique = valid.filter((v) => !seen.has(v.messageId) && seen.add(v.messageId));
    const inFlight = unique.map((v) => `${request.workspaceId}\u0000${v.messageId}`);
    const waiting = unique.find((_, i) => this.inFlight.has(inFlight[i]!));
    if (waiting)
      throw new IngestionException(
        IngestionExceptionCode.KafkaUnavailable,
        `an earlier attempt with the same messageId (${waiting.messageId}) is still waiting for Kafka; retry later`,
        [],
        { 'Retry-After': '2' },
      );
    // Held until Kafka answers this attempt, even when the client has had its 503 by then.
    for (const key of inFlight) this.inFlight.add(key);
    let sending: Promise<void> | undefined;
    try {
      const published = await this.store.publishedMessageIds(
        request.workspaceId,
        unique.filter((_, i) => !this.recording.has(inFlight[i]!)).map((v) => v.messageId),
      );
      const toPublish = unique.filter(
        (v, i) => !published.has(v.messageId) && !this.recording.has(inFlight[i]!),
      );
      const known = await this.knownMemberships(request.workspaceId, toPublish, (actors) =>
        this.store.membershipsOf(request.workspaceId, actors),
      );
      const changes = new Map<string, MembershipChange>();
      const events = toPublish.map(({ call, messageId }) => {
        const stamped = call.timestamp ?? call.originalTimestamp;
        const occurredAt = eventTime(stamped, call.sentAt ?? request.batchSentAt, receivedAt, request.mode);
        const actor = actorOf(call);
        let accountId = accountNamedBy(call);
        if (call.type === 'group' && actor && accountId) {
          known.set(actor, accountId);
          const previous = changes.get(actor);
          if (!previous || previous.at <= occurredAt)
            changes.set(actor, { actor, accountId, at: occurredAt });
        }
        accountId ??= actor ? (known.get(actor) ?? null) : null;
        return this.envelope(request, call, messageId, accountId, occurredAt, receivedAt);
      });
      await this.store.recordMemberships(request.workspaceId, [...changes.values()]);
      sending = this.send(events, this.deadLetters(request, rejected, receivedAt));
      const publishedKeys = events.map((e) => `${request.workspaceId}\u0000${e.data.messageId}`);
      void sending.then(
        () => this.record(request.workspaceId, events, publishedKeys),
        () => undefined,
      );
      await this.acknowledged(sending, events.length);
      for (const change of changes.values())
        this.remember(request.workspaceId, change.actor, change.accountId);
      return { accepted: valid.length, duplicates: valid.length - events.length, rejected };
    } finally {
      const release = () => inFlight.forEach((key) => this.inFlight.delete(key));
      if (sending) sending.then(release, release);
      else release();
    }
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
    messageId: string,
    accountId: string | null,
    occurredAt: Date,
    receivedAt: Date,
  ): CustomerEvent {
    const id = eventId(request.workspaceId, messageId);
    return {
      specVersion: SPEC_VERSION,
      id,
      type: 'customer.event.recorded',
      workspaceId: request.workspaceId,
      accountId,
      occurredAt: occurredAt.toISOString(),
      producedAt: receivedAt.toISOString(),
      source: 'ingestion',
      correlationId: request.correlationId,
      causationId: null,
      data: {
        call: call.type,
        messageId,
        ...(call.event !== undefined ? { event: call.event } : {}),
        ...(call.name !== undefined ? { name: call.name } : {}),
        ...(call.groupId !== undefined ? { groupId: call.groupId } : {}),
        ...(call.previousId !== undefined ? { previousId: call.previousId } : {}),
        userId: call.userId ?? null,
        anonymousId: call.anonymousId ?? null,
        properties: call.properties ?? {},
        traits: call.traits ?? {},
        context: call.context ?? {},
        timestamp: occurredAt.toISOString(),
        receivedAt: receivedAt.toISOString(),
        sentAt: call.sentAt ?? request.batchSentAt ?? null,
        originalTimestamp: call.timestamp ?? call.originalTimestamp ?? null,
      },
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
        [Header.DeadLetterErrorCode]: IngestionExceptionCode.InvalidEvent,
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
      this.publisher.publishRaw(Topic.EventsDlq, deadLetters),
    ]);
  }

  /**
   * Records acknowledged messageIds in the ledger, after the answer: the client does not wait for
   * it, and until the rows are written this process counts the ids as published. The ledger
   * follows the send, not the answer: a send that Kafka acknowledges after the client had its
   * 503 is still recorded, so the client's retry is acknowledged and not published again.
   */
  private record(
    workspaceId: string,
    events: readonly CustomerEvent[],
    keys: readonly string[],
  ): Promise<void> {
    for (const key of keys) this.recording.add(key);
    return this.store
      .recordPublished(
        workspaceId,
        events.map((e) => e.data.messageId),
      )
      .catch((error: unknown) => {
        // Kafka has the events; a retry may publish them again, and consumers drop the repeat by event id.
        this.logger.warn(
          `could not record ${events.length} published messageId(s): ${(error as Error).message}`,
        );
      })
      .finally(() => {
        for (const key of keys) this.recording.delete(key);
      });
  }

  /** Waits for Kafka's acknowledgement, or answers 503 in time. */
  private async acknowledged(sending: Promise<void>, count: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no acknowledgement within ${this.config.PUBLISH_TIMEOUT_MS} ms`)),
        this.config.PUBLISH_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([sending, timeout]);
    } catch (error) {
      sending.catch(() => undefined);
      this.logger.warn(`Kafka did not take ${count} event(s): ${(error as Error).message}`);
      throw new IngestionException(
        IngestionExceptionCode.KafkaUnavailable,
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
