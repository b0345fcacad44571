import { randomUUID } from 'node:crypto';
import type { AccountUpdatedData } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  BuiltService,
  PIPELINE_CONSUMER_GROUPS,
  TestDatabase,
  createTestDatabase,
  createWorkspaceWithCli,
  startBuiltService,
  testEnvelope,
  waitFor,
  waitForCatchUp,
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

/** An account with no owner, red, seen for two months: the default score_below rule alerts on it. */
function ownerlessRedAccount(workspaceId: string, accountId: string) {
  const now = new Date();
  const data: AccountUpdatedData = {
    name: accountId,
    plan: 'pro',
    mrr: 500,
    subscriptionStatus: 'active',
    seats: 10,
    renewalDate: null,
    csmEmail: null,
    segment: 'smb',
    industry: null,
    phase: 'adoption',
    touchModel: 'high',
    firstSeenAt: new Date(now.getTime() - 60 * DAY_MS).toISOString(),
    lastSeenAt: now.toISOString(),
    health: { score: 20, band: 'red', computedScore: 20, coverage: 1, scorecardId: null, override: null },
    signals: {
      asOf: now.toISOString(),
      metrics: { onboarding_completion: 1 },
      lastSignInAt: now.toISOString(),
      activeUsers7d: 3,
      activeUsersPrev7d: 3,
      activeUsers30d: 5,
      events7d: 10,
      eventsPrev7d: 10,
      ticketDays: [],
      latestNps: null,
      onboardingCompletedAt: now.toISOString(),
    },
  };
  return testEnvelope('account.updated', workspaceId, accountId, data, now.toISOString());
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
  let db: TestDatabase;
  let services: BuiltService[] = [];
  let ingestion: BuiltService;
  let alerting: BuiltService;
  let playbooks: BuiltService;
  let publisher: EventPublisher;
  let workspaceId = '';
  let token = '';

  const api = async <T>(base: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const alertingSettings = () =>
    api<{ fallbackOwner: string | null; version: number | null }>(alerting.url, 'GET', '/v1/alert-settings');

  beforeAll(async () => {
    db = await createTestDatabase('e2e_fallback_owner');
    const env = {
      DATABASE_URL: db.url,
      TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789',
      PLAYBOOK_TICK_MS: '200',
    };
    services = await Promise.all(
      ['ingestion', 'alerting', 'playbooks'].map((name) => startBuiltService(name, env, 180_000)),
    );
    [ingestion, alerting, playbooks] = services as [BuiltService, BuiltService, BuiltService];
    ({ workspaceId, token } = await createWorkspaceWithCli(
      'fallback-e2e',
      env,
      [alerting.url, playbooks.url],
      {
        timeoutMs: 60_000,
        fallbackOwner: first,
      },
    ));
    publisher = new EventPublisher(
      new KafkaConnection(loadConfig(ServiceConfig, { KAFKA_BROKERS: brokers.join(',') }), 'fallback-e2e'),
    );
  }, 300_000);

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await Promise.all(services.map((s) => s.stop()));
    await db?.drop();
  });

  it('reaches alerting and playbooks from the creation: the alert and the tasks of an ownerless account are its', async () => {
    expect(
      (await api<{ fallbackOwner: string }>(ingestion.url, 'GET', '/v1/workspace-settings')).body,
    ).toMatchObject({ fallbackOwner: first, version: 1 });
    await waitFor(async () => (await alertingSettings()).body.fallbackOwner === first, {
      what: 'alerting to apply the fallback owner',
      timeoutMs: 60_000,
    });

    await publisher.publish([ownerlessRedAccount(workspaceId, accountId)]);
    const alert = await waitFor(
      async () =>
        (
          await api<Page<{ ruleType: string; owner: string | null }>>(
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
  });

  it('applies a change through the API to alerting and playbooks without a restart', async () => {
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
  });
});
