import { randomUUID } from 'node:crypto';
import { Topic, taskOwnerOf } from '@tsuzuku/contracts';
import {
  ApiClient,
  TopicReader,
  testEnvelope,
  useServiceUnderTest,
  waitFor,
  waitForRows,
} from '@tsuzuku/platform-testing';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { playbooksService } from '../src/service';
import { accountUpdated } from './signals';

interface Task {
  id: string;
  accountId: string;
  title: string;
  owner: string | null;
  ownerSetByHand: boolean;
  status: string;
  dueAt: string | null;
  note: string | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Refusal {
  error: string;
  message: string;
  in?: string;
  errors?: { path: string; message: string }[];
}

/**
 * Tasks through the playbooks API on the real Kafka and Postgres: created by hand, reassigned,
 * moved and closed with PATCH, listed by owner and unassigned; the workspace's fallback owner,
 * as cs.workspaces.v1 announces it, for accounts that name no owner, changed without a restart.
 */
describe('playbooks tasks: owner, by hand, unassigned, fallback owner', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const withOwner = `acct-owned-${randomUUID().slice(0, 6)}`;
  const ownerless = `acct-none-${randomUUID().slice(0, 6)}`;
  let reader: TopicReader;
  const api: ApiClient = (method, path, body) => suite.api(method, path, body);

  /** Announces the workspace's settings as ingestion does, and waits until playbooks applied them. */
  async function announceFallback(fallbackOwner: string | null, version: number): Promise<void> {
    await suite.publisher.publish([
      testEnvelope('workspace.settings.updated', workspaceId, null, { name: 'acme', fallbackOwner, version }),
    ]);
    await waitFor(
      async () =>
        (
          await suite.db.query<{ v: number }>(
            'SELECT settings_version AS v FROM playbooks.workspaces WHERE workspace_id = $1',
            [workspaceId],
          )
        )[0]?.v === version,
      { what: `settings version ${version} to be applied` },
    );
  }

  const suite = useServiceUnderTest(playbooksService, () => ({
    label: 'playbooks_tasks',
    workspaceId,
    env: { PLAYBOOK_TICK_MS: '200' },
    joins: PLAYBOOKS_SIGNALS_CONSUMER,
  }));
  beforeAll(async () => {
    // The service provisions the topics at boot; the reader starts after it.
    reader = await new TopicReader(brokers).start([Topic.Playbooks]);
    await suite.publisher.publish([
      accountUpdated(workspaceId, withOwner, { csmEmail: 'csm@example.com', band: 'green', score: 80 }),
      accountUpdated(workspaceId, ownerless, { csmEmail: null, band: 'green', score: 80 }),
    ]);
    await waitForRows(
      suite.db,
      'SELECT 1 FROM playbooks.accounts WHERE workspace_id = $1 AND profile_at IS NOT NULL',
      [workspaceId],
      { count: 2, what: 'both accounts to be stored' },
    );
    await announceFallback('team@example.com', 1);
  });

  afterAll(async () => {
    await reader?.stop();
  });

  const announced = (type: string, taskId: string) =>
    waitFor(
      () =>
        reader.messages
          .map((m) => JSON.parse(m.value!) as { type: string; data: Record<string, unknown> })
          .find((e) => e.type === type && e.data['taskId'] === taskId),
      { what: `${type} of ${taskId}` },
    );

  it("creates a task by hand for the account's owner, the fallback owner, or whom it names", async () => {
    const forOwner = await api<Task>('POST', '/v1/tasks', { accountId: withOwner, title: 'QBR prep' });
    expect(forOwner.status).toBe(201);
    expect(forOwner.body).toMatchObject({
      accountId: withOwner,
      title: 'QBR prep',
      owner: 'csm@example.com',
      ownerSetByHand: false,
      status: 'open',
      priority: 'medium',
    });
    const created = await announced('task.created', forOwner.body.id);
    expect(taskOwnerOf(created.data)).toBe('csm@example.com');
    expect(created.data).not.toHaveProperty('assignee');

    const forNobody = await api<Task>('POST', '/v1/tasks', {
      accountId: ownerless,
      title: 'Find a champion',
    });
    expect(forNobody.body).toMatchObject({ owner: 'team@example.com', ownerSetByHand: false });

    const named = await api<Task>('POST', '/v1/tasks', {
      accountId: ownerless,
      title: 'Security review',
      owner: 'sec@example.com',
      priority: 'high',
      dueAt: '2030-01-02T03:04:05.000Z',
    });
    expect(named.body).toMatchObject({
      owner: 'sec@example.com',
      ownerSetByHand: true,
      priority: 'high',
      dueAt: '2030-01-02T03:04:05.000Z',
    });
  });

  it('refuses a task for an account it has not seen (404) and a wrong body (400 in body)', async () => {
    const unknown = await api<Refusal>('POST', '/v1/tasks', { accountId: 'acct-never-seen', title: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'account_not_found' });
    expect(unknown.body.message).toContain('acct-never-seen');

    const wrong = await api<Refusal>('POST', '/v1/tasks', {
      accountId: withOwner,
      owner: 'bob',
      assignee: 'x',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.in).toBe('body');
    expect([...new Set(wrong.body.errors!.map((e) => e.path))].sort()).toEqual([
      'assignee',
      'owner',
      'title',
    ]);
  });

  it('reassigns, moves and closes a task with PATCH, and says why it cannot (404, 409, 400)', async () => {
    const task = (await api<Task>('POST', '/v1/tasks', { accountId: withOwner, title: 'Renewal call' })).body;

    const moved = await api<Task>('PATCH', `/v1/tasks/${task.id}`, {
      owner: 'other@example.com',
      dueAt: '2031-05-06T07:08:09.000Z',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      owner: 'other@example.com',
      ownerSetByHand: true,
      dueAt: '2031-05-06T07:08:09.000Z',
      status: 'open',
    });
    const updated = await announced('task.updated', task.id);
    expect(updated.data).toMatchObject({ owner: 'other@example.com', ownerSetByHand: true, status: 'open' });

    const cleared = await api<Task>('PATCH', `/v1/tasks/${task.id}`, { dueAt: null });
    expect(cleared.body).toMatchObject({ dueAt: null, owner: 'other@example.com' });

    const nothing = await api<Refusal>('PATCH', `/v1/tasks/${task.id}`, {});
    expect(nothing.status).toBe(400);
    expect(nothing.body.in).toBe('body');
    expect(new Set(nothing.body.errors!.map((e) => e.path))).toEqual(new Set(['status']));
    expect(nothing.body.errors).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('at least one of owner, dueAt, status') }),
    );
    const badOwner = await api<Refusal>('PATCH', `/v1/tasks/${task.id}`, {
      owner: 'not-an-email',
      assignee: 'x',
    });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.errors!.map((e) => e.path).sort()).toEqual(['assignee', 'owner']);

    const done = await api<Task>('PATCH', `/v1/tasks/${task.id}`, { status: 'done', note: 'renewed' });
    expect(done.body).toMatchObject({ status: 'done', note: 'renewed', owner: 'other@example.com' });
    expect((await announced('task.completed', task.id)).data).toMatchObject({ status: 'done' });

    const again = await api<Refusal>('PATCH', `/v1/tasks/${task.id}`, { owner: 'late@example.com' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'task_closed' });
    expect(again.body.message).toContain('is done already');

    const missing = await api<Refusal>('PATCH', `/v1/tasks/${randomUUID()}`, { status: 'done' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'task_not_found' });
  });

  it('lists the tasks of an owner (any case) and the unassigned ones, and refuses both at once', async () => {
    const mine = (
      await api<Task>('POST', '/v1/tasks', { accountId: ownerless, title: 'Mine', owner: 'Me@Example.com' })
    ).body;
    // owner null at creation is "not named": the fallback owner, never nobody while there is one.
    const nobodys = (
      await api<Task>('POST', '/v1/tasks', { accountId: ownerless, title: 'Nobody', owner: null })
    ).body;
    expect(nobodys).toMatchObject({ owner: 'team@example.com', ownerSetByHand: false });
    // A person may still take the owner away from an open task.
    expect((await api<Task>('PATCH', `/v1/tasks/${nobodys.id}`, { owner: null })).body).toMatchObject({
      owner: null,
      ownerSetByHand: true,
    });

    const byOwner = await api<Page<Task>>('GET', '/v1/tasks?owner=me@example.COM');
    expect(byOwner.body.items.map((t) => t.id)).toEqual([mine.id]);

    const unassigned = await api<Page<Task>>('GET', '/v1/tasks?unassigned=true&status=open');
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.items.map((t) => t.id)).toEqual([nobodys.id]);
    expect(unassigned.body.nextCursor).toBeNull();
    // Every task of the workspace but that one has an owner.
    const all = (await api<Page<Task>>('GET', '/v1/tasks?limit=200')).body.items;
    expect(all.filter((t) => t.owner === null).map((t) => t.id)).toEqual([nobodys.id]);

    const both = await api<Refusal>('GET', '/v1/tasks?owner=me@example.com&unassigned=true');
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({
      in: 'query',
      errors: [expect.objectContaining({ path: 'unassigned' })],
    });
    const oldName = await api<Refusal>('GET', '/v1/tasks?assignee=me@example.com');
    expect(oldName.status).toBe(400);
    expect(oldName.body.in).toBe('query');
  });

  it('applies a change of the fallback owner to the next task without a restart', async () => {
    await announceFallback('lead@example.com', 2);
    const next = await api<Task>('POST', '/v1/tasks', { accountId: ownerless, title: 'After the change' });
    expect(next.body.owner).toBe('lead@example.com');
    // The account's own owner still comes first.
    const owned = await api<Task>('POST', '/v1/tasks', { accountId: withOwner, title: 'Owned' });
    expect(owned.body.owner).toBe('csm@example.com');
  });
});
