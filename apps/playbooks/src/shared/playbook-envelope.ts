import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, EventRegistry, Header, SPEC_VERSION, messageKey } from '@tsuzuku/contracts';
import { OutboxMessage } from '@tsuzuku/platform-database';

export const SCHEMA = 'playbooks';

/** What caused an announcement: the trace of the run's trigger. */
export interface Cause {
  readonly correlationId: string;
  readonly causationId: string | null;
}

type PlaybookEventType =
  | 'playbook.run.started'
  | 'playbook.step.executed'
  | 'playbook.run.finished'
  | 'task.created'
  | 'task.completed';

/** An event of cs.playbooks.v1 as an outbox row, keyed by its account like every event. */
export function playbookMessage<T extends PlaybookEventType>(
  type: T,
  workspaceId: string,
  accountId: string,
  data: EventRegistry[T],
  cause: Cause,
  at: Date,
): OutboxMessage {
  const envelope = {
    specVersion: SPEC_VERSION,
    id: randomUUID(),
    type,
    workspaceId,
    accountId,
    occurredAt: at.toISOString(),
    producedAt: new Date().toISOString(),
    source: 'playbooks',
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    data,
  };
  return {
    topic: EVENT_TYPES[type].topic,
    key: messageKey(workspaceId, accountId),
    value: JSON.stringify(envelope),
    headers: {
      [Header.EventType]: type,
      [Header.SpecVersion]: String(SPEC_VERSION),
      [Header.WorkspaceId]: workspaceId,
    },
  };
}
