import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  testCustomerEvent,
  useServiceUnderTest,
  waitFor,
  waitForRows,
} from '@tsuzuku/platform-testing';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { playbooksService } from '../src/service';
import { accountUpdated, alertEvent, asAny } from './signals';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Decision {
  accountId: string;
  playbookId: string;
  playbookName: string;
  triggerType: string;
  outcome: string;
  detail: string | null;
  runId: string | null;
}
interface Run {
  id: string;
  playbookId: string;
  status: string;
  reason: string | null;
}
interface Task {
  runId: string;
  status: string;
  note: string | null;
}

const DAY_MS = 86_400_000;
const PROFILE_WAIT_SECONDS = 15;

/**
 * Ordering that does not lose work, on the real Kafka and Postgres: a trigger on an account
 * with no profile yet waits for it (in a row) and is then evaluated on it, or on what is known
 * once the wait is over; history and triggers older than the horizon start nothing; every
 * trigger that starts no run says why through /v1/trigger-decisions; a churned account's runs
 * and tasks close as account_churned and it starts nothing until it is reactivated.
 */
describe('trigger decisions', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  let onboarding = '';
  let outreach = '';
  const api: ApiClient = (method, path, body) => suite.api(method, path, body);
  const decisionsOf = async (accountId: string, playbookId: string) =>
    (
      await api<Page<Decision>>(
        'GET',
        `/v1/trigger-decisions?accountId=${encodeURIComponent(accountId)}&playbookId=${playbookId}`,
      )
    ).body.items;
  const decided = (accountId: string, playbookId: string, outcome: string) =>
    waitFor(async () => (await decisionsOf(accountId, playbookId)).find((d) => d.outcome === outcome), {
      what: `a ${outcome} decision for ${accountId}`,
      timeoutMs: 60_000,
    });
  const runsOf = async (accountId: string, playbookId: string) =>
    (
      await api<Page<Run>>(
        'GET',
        `/v1/playbook-runs?accountId=${encodeURIComponent(accountId)}&playbookId=${playbookId}`,
      )
    ).body.items;
  const subscriptionStarted = (accountId: string, occurredAt: string, extra: { backfill?: boolean } = {}) =>
    asAny(
      testCustomerEvent(workspaceId, accountId, occurredAt, {
        event: 'Subscription Started',
        properties: { plan: 'enterprise', mrr: 900 },
        ...extra,
      }),
    );

  const suite = useServiceUnderTest(
    playbooksService,
    () => ({
      label: 'playbooks_decisions',
      workspaceId,
      env: {
        PLAYBOOK_TICK_MS: '200',
        PLAYBOOK_SWEEP_MS: '1000',
        PLAYBOOK_PROFILE_WAIT_SECONDS: String(PROFILE_WAIT_SECONDS),
      },
      joins: PLAYBOOKS_SIGNALS_CONSUMER,
    }),
    120_000,
  );
  beforeAll(async () => {
    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Enterprise onboarding',
      trigger: { type: 'subscription_started' },
      audience: { segments: ['enterprise'] },
      steps: [
        { id: 'kickoff', type: 'task', title: 'Kickoff with {{account.name}}', dueInDays: 1 },
        { id: 'settle', type: 'wait', duration: 'P14D' },
      ],
    });
    expect(created.status).toBe(201);
    onboarding = created.body.id;
    const risk = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Inactive outreach',
      trigger: { type: 'alert_raised', ruleType: 'inactivity' },
      audience: {},
      steps: [
        { id: 'call', type: 'task', title: 'Call {{account.name}}', dueInDays: 1 },
        { id: 'week', type: 'wait', duration: 'P7D' },
      ],
    });
    expect(risk.status).toBe(201);
    outreach = risk.body.id;
  }, 120_000);

  it('documents the decisions API in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${suite.service.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toContain('/v1/trigger-decisions');
  });

  it('parks a trigger on an account with no profile, then starts it once on the profile that arrives', async () => {
    await suite.publisher.publish([subscriptionStarted('acct-new', new Date().toISOString())]);
    const waiting = await decided('acct-new', onboarding, 'waiting_for_profile');
    expect(waiting.detail).toContain('no profile yet');
    expect(await runsOf('acct-new', onboarding)).toEqual([]);
    const parked = (playbookId: string) =>
      suite.db.query(
        `SELECT 1 FROM playbooks.pending_triggers WHERE account_id = 'acct-new' AND playbook_id = $1`,
        [playbookId],
      );
    expect(await parked(onboarding)).toHaveLength(1);

    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, 'acct-new', { segment: 'enterprise' })),
    ]);
    const started = await decided('acct-new', onboarding, 'started');
    expect(started.detail).toContain('waited for the profile');
    const runs = await runsOf('acct-new', onboarding);
    expect(runs.map((r) => r.id)).toEqual([started.runId]);
    expect(await parked(onboarding)).toEqual([]);

    // The same playbook again while the run is under way starts nothing, and says so.
    await suite.publisher.publish([subscriptionStarted('acct-new', new Date().toISOString())]);
    await decided('acct-new', onboarding, 'already_running');
    expect(await runsOf('acct-new', onboarding)).toHaveLength(1);
  });

  it('after the wait, evaluates the trigger on what is known and records it', async () => {
    await suite.publisher.publish([subscriptionStarted('acct-never', new Date().toISOString())]);
    await decided('acct-never', onboarding, 'waiting_for_profile');
    const late = await decided('acct-never', onboarding, 'audience_mismatch');
    expect(late.detail).toContain(`no profile after ${PROFILE_WAIT_SECONDS} s`);
    expect(late.detail).toContain('audience.segments');
    expect(await runsOf('acct-never', onboarding)).toEqual([]);
  });

  it('starts nothing from history, from triggers older than the horizon or outside the audience, and says why', async () => {
    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, 'acct-old', { segment: 'enterprise' })),
      asAny(accountUpdated(workspaceId, 'acct-smb', { segment: 'smb' })),
    ]);
    await suite.publisher.publish([
      subscriptionStarted('acct-old', new Date().toISOString(), { backfill: true }),
      subscriptionStarted('acct-old', new Date(Date.now() - 3 * DAY_MS).toISOString()),
      subscriptionStarted('acct-smb', new Date().toISOString()),
      asAny({
        ...alertEvent('alert.raised', workspaceId, 'acct-old', 'inactivity'),
        occurredAt: new Date(Date.now() - 2 * DAY_MS).toISOString(),
      }),
    ]);
    expect((await decided('acct-old', onboarding, 'backfill')).detail).toContain('history');
    expect((await decided('acct-old', onboarding, 'too_old')).detail).toContain('24 h horizon');
    expect((await decided('acct-old', outreach, 'too_old')).triggerType).toBe('alert_raised');
    const mismatch = await decided('acct-smb', onboarding, 'audience_mismatch');
    expect(mismatch.detail).toBe('audience.segments is [enterprise]; the account has smb');
    expect(await runsOf('acct-old', onboarding)).toEqual([]);
    expect(await runsOf('acct-old', outreach)).toEqual([]);
    expect(await runsOf('acct-smb', onboarding)).toEqual([]);
    const page = await api<Page<Decision>>('GET', '/v1/trigger-decisions?accountId=acct-old&limit=1');
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).not.toBeNull();
    const next = await api<Page<Decision>>(
      'GET',
      `/v1/trigger-decisions?accountId=acct-old&limit=10&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items.length).toBeGreaterThanOrEqual(2);
    const bad = await api<{ errors: { path: string }[] }>('GET', '/v1/trigger-decisions?outcome=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.path)).toEqual(['outcome']);
  });

  it("closes a churned account's runs and tasks as account_churned, starts none while churned, and again once reactivated", async () => {
    await suite.publisher.publish([asAny(accountUpdated(workspaceId, 'acct-churn', { band: 'red' }))]);
    await suite.publisher.publish([
      asAny(alertEvent('alert.raised', workspaceId, 'acct-churn', 'inactivity')),
    ]);
    const started = await decided('acct-churn', outreach, 'started');
    const openTask = await waitFor(
      async () =>
        (await api<Page<Task>>('GET', '/v1/tasks?accountId=acct-churn')).body.items.find(
          (t) => t.runId === started.runId && t.status === 'open',
        ),
      { what: 'the call task' },
    );
    expect(openTask).toBeDefined();

    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, 'acct-churn', { band: 'red', mrr: 0 })),
    ]);
    const exited = await waitFor(
      async () => (await runsOf('acct-churn', outreach)).find((r) => r.status === 'exited'),
      { what: 'the run to exit' },
    );
    expect(exited.reason).toBe('account_churned');
    const tasks = (await api<Page<Task>>('GET', '/v1/tasks?accountId=acct-churn')).body.items;
    expect(tasks.map((t) => [t.status, t.note])).toEqual([['skipped', 'run exited: account_churned']]);

    await suite.publisher.publish([
      asAny(alertEvent('alert.raised', workspaceId, 'acct-churn', 'inactivity')),
    ]);
    const refused = await decided('acct-churn', outreach, 'account_churned');
    expect(refused.runId).toBeNull();
    expect(await runsOf('acct-churn', outreach)).toHaveLength(1);

    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, 'acct-churn', { band: 'red', mrr: 700 })),
    ]);
    await waitForRows(
      suite.db,
      `SELECT 1 FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = 'acct-churn' AND mrr = 700`,
      [workspaceId],
      { what: 'the reactivated profile' },
    );
    await suite.publisher.publish([
      asAny(alertEvent('alert.raised', workspaceId, 'acct-churn', 'inactivity')),
    ]);
    await waitFor(async () => (await runsOf('acct-churn', outreach)).find((r) => r.status === 'running'), {
      what: 'a run of the reactivated account',
    });
  });
});
