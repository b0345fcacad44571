import { Topic } from './topics';
import { checkEnvelope } from './envelope-validator';
import { envelopeMessage, workspaceEnvelopeMessage } from './envelope-message';
import { taskOwnerOf } from './events/playbook/value';

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
        owner: null,
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

  it('keys a workspace event by the workspace, with no account', () => {
    const at = new Date('2026-11-23T12:00:00.000Z');
    const message = workspaceEnvelopeMessage(
      'workspace.settings.updated',
      'ingestion',
      'ws_7',
      { name: 'acme', fallbackOwner: 'lead@example.com', version: 2 },
      { correlationId: 'corr-2', causationId: null },
      at,
    );
    expect(message.topic).toBe(Topic.Workspaces);
    expect(message.key).toBe('ws_7');
    const envelope = JSON.parse(message.value) as Record<string, unknown>;
    expect(checkEnvelope(envelope).ok).toBe(true);
    expect(envelope).toMatchObject({ workspaceId: 'ws_7', accountId: null });
  });
});

describe('task events: owner, and assignee in the history', () => {
  const task = (who: Record<string, unknown>) => ({
    specVersion: 1,
    id: 'e1',
    type: 'task.created',
    workspaceId: 'ws_1',
    accountId: 'acct-1',
    occurredAt: '2026-11-23T12:00:00.000Z',
    producedAt: '2026-11-23T12:00:00.000Z',
    source: 'playbooks',
    correlationId: 'c1',
    causationId: null,
    data: {
      taskId: 't1',
      runId: null,
      playbookId: null,
      title: 'Call',
      priority: 'high',
      dueAt: null,
      status: 'open',
      note: null,
      completedAt: null,
      ...who,
    },
  });

  it.each([
    ['owner', { owner: 'csm@example.com' }, 'csm@example.com'],
    ['owner null', { owner: null }, null],
    ['assignee of a message from before', { assignee: 'old@example.com' }, 'old@example.com'],
    ['owner over assignee', { owner: 'new@example.com', assignee: 'old@example.com' }, 'new@example.com'],
  ])('decodes %s', (_name, who, expected) => {
    const checked = checkEnvelope(task(who));
    expect(checked.ok).toBe(true);
    if (checked.ok && checked.envelope.type === 'task.created')
      expect(taskOwnerOf(checked.envelope.data)).toBe(expected);
  });

  it('refuses a task event with neither name', () => {
    expect(checkEnvelope(task({})).ok).toBe(false);
  });
});
