import { Topic } from './topics';
import { checkEnvelope } from './envelope-validator';
import { envelopeMessage } from './envelope-message';

describe('envelopeMessage', () => {
  it("wraps an event in a valid envelope on its type's topic, keyed by its account", () => {
    const at = new Date('2026-11-23T12:00:00.000Z');
    const message = envelopeMessage(
      'task.completed',
      'playbooks',
      { workspaceId: 'ws_1', accountId: 'acct-9' },
      {
        taskId: 't1',
        runId: null,
        playbookId: null,
        title: 'Call',
        assignee: null,
        priority: 'high',
        dueAt: null,
        status: 'done',
        note: null,
        completedAt: at.toISOString(),
      },
      { correlationId: 'corr-1', causationId: 'evt-0' },
      at,
    );
    expect(message.topic).toBe(Topic.Playbooks);
    expect(message.key).toBe('ws_1:acct-9');
    expect(message.headers).toEqual({});
    const envelope = JSON.parse(message.value) as Record<string, unknown>;
    expect(checkEnvelope(envelope).ok).toBe(true);
    expect(envelope).toMatchObject({
      type: 'task.completed',
      source: 'playbooks',
      occurredAt: at.toISOString(),
      correlationId: 'corr-1',
      causationId: 'evt-0',
    });
  });
});
