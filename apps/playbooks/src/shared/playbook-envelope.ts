import { EventCause, EventRegistry, envelopeMessage } from '@tsuzuku/contracts';
import { OutboxMessage } from '@tsuzuku/platform-database';

export const SCHEMA = 'playbooks';

/** What caused an announcement: the trace of the run's trigger. */
export type Cause = EventCause;

type PlaybookEventType =
  | 'playbook.run.started'
  | 'playbook.step.executed'
  | 'playbook.run.finished'
  | 'task.created'
  | 'task.updated'
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
  return envelopeMessage(type, 'playbooks', { workspaceId, accountId }, data, cause, at);
}
