import { randomUUID } from 'node:crypto';
import { SPEC_VERSION, messageKey } from './envelope';
import { EVENT_TYPES, EventRegistry, EventType } from './events/registry';

/** What caused an event: the trace it belongs to and the event that led to it. */
export interface EventCause {
  readonly correlationId: string;
  readonly causationId: string | null;
  /**
   * The W3C trace context (traceparent, tracestate) of that cause, when it was kept (a playbook
   * run keeps its trigger's); else the producer's outbox takes it from the consumed event.
   */
  readonly trace?: Readonly<Record<string, string>>;
}

/** An event as the Kafka message a producer writes (to its outbox, or straight to Kafka). */
export interface EnvelopeMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  /** The event that caused this one, whose trace the message continues. */
  readonly causationId: string | null;
}

/**
 * Wraps one event of an account in its envelope (a new id, produced now) and addresses it: the
 * event type's topic, keyed by the account.
 */
export function envelopeMessage<T extends EventType>(
  type: T,
  source: string,
  account: { readonly workspaceId: string; readonly accountId: string },
  data: EventRegistry[T],
  cause: EventCause,
  occurredAt: Date,
): EnvelopeMessage {
  return addressed(type, source, account.workspaceId, account.accountId, data, cause, occurredAt);
}

/**
 * Wraps one event of a whole workspace (no account: its settings) in its envelope and addresses
 * it: the event type's topic, keyed by the workspace id.
 */
export function workspaceEnvelopeMessage<T extends EventType>(
  type: T,
  source: string,
  workspaceId: string,
  data: EventRegistry[T],
  cause: EventCause,
  occurredAt: Date,
): EnvelopeMessage {
  return addressed(type, source, workspaceId, null, data, cause, occurredAt);
}

function addressed<T extends EventType>(
  type: T,
  source: string,
  workspaceId: string,
  accountId: string | null,
  data: EventRegistry[T],
  cause: EventCause,
  occurredAt: Date,
): EnvelopeMessage {
  const envelope = {
    specVersion: SPEC_VERSION,
    id: randomUUID(),
    type,
    workspaceId,
    accountId,
    occurredAt: occurredAt.toISOString(),
    producedAt: new Date().toISOString(),
    source,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    data,
  };
  return {
    topic: EVENT_TYPES[type].topic,
    key: messageKey(workspaceId, accountId),
    value: JSON.stringify(envelope),
    // The envelope is the whole message; the headers carry only the trace context, which the
    // outbox fills in from the cause when it is not given here.
    headers: cause.trace ? { ...cause.trace } : {},
    causationId: cause.causationId,
  };
}
