import { randomUUID } from 'node:crypto';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  BuiltPipeline,
  BuiltService,
  PIPELINE_CONSUMER_GROUPS,
  TopicReader,
  apiClient,
  startBuiltPipeline,
  testAccountUpdated,
  waitFor,
  waitForCatchUp,
  waitForTaskOwner,
} from '@tsuzuku/platform-testing';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Task {
  id: string;
  title: string;
  owner: string | null;
  runId: string | null;
}

const DAY_MS = 86_400_000;

/**
 * A red account seen for two months, with no owner unless one is given: the default score_below
 * rule alerts on it.
 */
function redAccount(workspaceId: string, accountId: string, owner: string | null = null) {
  return testAccountUpdated(workspaceId, accountId, {
    mrr: 500,
    subscriptionStatus: 'active',
    owner,
    touchModel: 'high',
    firstSeenAt: new Date(Date.now() - 60 * DAY_MS).toISOString(),
    health: { score: 20, band: 'red', computedScore: 20 },
    signals: {
      metrics: { onboarding_completion: 1 },
      activeUsers30d: 5,
      onboardingCompletedAt: new Date().toISOString(),
    },
  });
}

/**
 * The fallback owner is one workspace setting: asked for when the workspace is created (the
 * CLI), announced by ingestion on cs.workspaces.v1, applied by alerting (alert owners) and
 * playbooks (task owners), and changed through ingestion's API without a restart. An account
 * with no owner never gets a task for nobody while the workspace has one.
 */
describe('the fallback owner, from workspace creation to alerts and tasks', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const first = `team-${randomUUID().slice(0, 6)}@example.com`;
  const second = `lead-${randomUUID().slice(0, 6)}@example.com`;
  const accountId = `acct-ownerless-${randomUUID().slice(0, 6)}`;
  const ownedId = `acct-owned-${randomUUID().slice(0, 6)}`;
  const csm = `csm-${randomUUID().slice(0, 6)}@example.com`;
  /** The open work of the ownerless account the fallback owner holds (set in the first test). */
  const held = { alertId: '', taskIds: [] as string[] };
  let pipeline: BuiltPipeline<'ingestion' | 'alerting' | 'playbooks'>;
  let ingestion: BuiltService;
  let alerting: BuiltService;
  let playbooks: BuiltService;
  let publisher: EventPublisher;
  let workspaceId = '';
  let token = '';

  const api = <T>(base: string, method: string, path: string, body?: unknown) =>
    apiClient(
      () => base,
      () => token,
    )<T>(method, path, body);
  const alertingSettings = () =>
    api<{ fallbackOwner: string | null; version: number | null }>(alerting.url, 'GET', '/v1/alert-settings');

  beforeAll(async () => {
    pipeline = await startBuiltPipeline({
      label: 'e2e_fallback_owner',
      services: ['ingestion', 'alerting', 'playbooks'],
      env: { PLAYBOOK_TICK_MS: '200' },
      workspace: 'fallback-e2e',
      workspaceTimeoutMs: 60_000,
      fallbackOwner: first,
    });
    ({ workspaceId, token } = pipeline);
    ({ ingestion, alerting, playbooks } = pipeline.services);
    publisher = new EventPublisher(
      new KafkaConnection(loadConfig(ServiceConfig, { KAFKA_BROKERS: brokers.join(',') }), 'fallback-e2e'),
    );
  }, 300_000);

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await pipeline?.stop();
  });

  it('reaches alerting and playbooks from the creation: the alert and the tasks of an ownerless account are its', async () => {
    expect(
      (await api<{ fallbackOwner: string }>(ingestion.url, 'GET', '/v1/workspace-settings')).body,
    ).toMatchObject({ fallbackOwner: first, version: 1 });
    await waitFor(async () => (await alertingSettings()).body.fallbackOwner === first, {
      what: 'alerting to apply the fallback owner',
      timeoutMs: 60_000,
    });

    await publisher.publish([redAccount(workspaceId, accountId)]);
    const alert = await waitFor(
      async () =>
        (
          await api<Page<{ id: string; ruleType: string; owner: string | null }>>(
            alerting.url,
            'GET',
            `/v1/alerts?accountId=${accountId}&ruleType=score_below`,
          )
        ).body.items[0],
      { what: 'the score_below alert', timeoutMs: 60_000 },
    );
    expect(alert.owner).toBe(first);
    // The built-in adoption-risk playbook turns it into a call task: for the fallback owner.
    const fromPlaybook = await waitFor(
      async () =>
        (await api<Page<Task>>(playbooks.url, 'GET', `/v1/tasks?accountId=${accountId}`)).body.items.find(
          (t) => t.runId !== null,
        ),
      { what: 'the playbook task', timeoutMs: 60_000 },
    );
    expect(fromPlaybook.owner).toBe(first);
    const byHand = await api<Task>(playbooks.url, 'POST', '/v1/tasks', {
      accountId,
      title: 'Find a champion',
    });
    expect(byHand.status).toBe(201);
    expect(byHand.body.owner).toBe(first);
    expect((await api<Page<Task>>(playbooks.url, 'GET', '/v1/tasks?unassigned=true')).body.items).toEqual([]);
    held.alertId = alert.id;
    held.taskIds = [fromPlaybook.id, byHand.body.id];
  });

  it('applies a change through the API to alerting and playbooks without a restart', async () => {
    // Work that must not move: an account with an owner (its alert and task are the owner's), and
    // a task a person gave to the fallback owner by name.
    await publisher.publish([redAccount(workspaceId, ownedId, csm)]);
    const ownedAlert = await waitFor(
      async () =>
        (
          await api<Page<{ id: string; owner: string | null }>>(
            alerting.url,
            'GET',
            `/v1/alerts?accountId=${ownedId}&ruleType=score_below`,
          )
        ).body.items[0],
      { what: "the owned account's alert", timeoutMs: 60_000 },
    );
    const ownedTask = await waitFor(
      async () =>
        (await api<Page<Task>>(playbooks.url, 'GET', `/v1/tasks?accountId=${ownedId}`)).body.items.find(
          (t) => t.runId !== null,
        ),
      { what: "the owned account's playbook task", timeoutMs: 60_000 },
    );
    expect([ownedAlert.owner, ownedTask.owner]).toEqual([csm, csm]);
    const named = await api<Task>(playbooks.url, 'POST', '/v1/tasks', {
      accountId,
      title: 'Kept by name',
      owner: first,
    });
    expect([named.status, named.body.owner]).toEqual([201, first]);
    const announced = await new TopicReader(brokers).start(['cs.playbooks.v1']);

    const changed = await api<{ fallbackOwner: string; version: number }>(
      ingestion.url,
      'PUT',
      '/v1/workspace-settings',
      { fallbackOwner: second },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ fallbackOwner: second, version: 2 });
    const refused = await api<{ in: string; errors: { path: string }[] }>(
      ingestion.url,
      'PUT',
      '/v1/workspace-settings',
      {},
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.path)).toContain('fallbackOwner');

    await waitFor(async () => (await alertingSettings()).body.version === 2, {
      what: 'alerting to apply version 2',
      timeoutMs: 60_000,
    });
    expect((await alertingSettings()).body.fallbackOwner).toBe(second);
    // Playbooks has applied it once its consumer has read everything published so far.
    await waitForCatchUp(
      brokers,
      PIPELINE_CONSUMER_GROUPS.filter((g) => g.groupId === 'playbooks.signals'),
      { timeoutMs: 60_000 },
    );
    const next = await api<Task>(playbooks.url, 'POST', '/v1/tasks', {
      accountId,
      title: 'After the change',
    });
    expect(next.body.owner).toBe(second);
    expect((await api<Page<Task>>(playbooks.url, 'GET', '/v1/tasks?unassigned=true')).body.items).toEqual([]);

    // The open alert and tasks the former fallback owner held on the ownerless account are the new one's.
    const alertOwner = async (id: string) =>
      (await api<{ owner: string | null }>(alerting.url, 'GET', `/v1/alerts/${id}`)).body.owner;
    const taskOwner = async (id: string) => {
      for (const account of [accountId, ownedId]) {
        const listed = await api<Page<Task>>(
          playbooks.url,
          'GET',
          `/v1/tasks?accountId=${account}&limit=200`,
        );
        const task = listed.body.items.find((t) => t.id === id);
        if (task) return task.owner;
      }
      throw new Error(`no task ${id}`);
    };
    await waitFor(async () => ((await alertOwner(held.alertId)) === second ? true : undefined), {
      what: 'the held alert to go to the new fallback owner',
      timeoutMs: 60_000,
    });
    expect(await Promise.all(held.taskIds.map(taskOwner))).toEqual(held.taskIds.map(() => second));
    // Each moved task was announced as task.updated with its new owner.
    try {
      for (const taskId of held.taskIds) await waitForTaskOwner(announced, taskId, second);
    } finally {
      await announced.stop();
    }
    // What had an owner of its own stays: the owned account's work, the task given by name.
    expect([
      await alertOwner(ownedAlert.id),
      await taskOwner(ownedTask.id),
      await taskOwner(named.body.id),
    ]).toEqual([csm, csm, first]);
    // The alert's history says why it moved.
    const withHistory = await api<{ history: { change: string; detail: Record<string, unknown> }[] }>(
      alerting.url,
      'GET',
      `/v1/alerts/${held.alertId}`,
    );
    expect(withHistory.body.history).toContainEqual(
      expect.objectContaining({
        change: 'reassigned',
        detail: expect.objectContaining({ fromOwner: first, owner: second }),
      }),
    );
  });
});
