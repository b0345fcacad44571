import { randomUUID } from 'node:crypto';
import {
  BuiltPipeline,
  PIPELINE_CONSUMER_GROUPS,
  allPages,
  apiCall,
  postSegment,
  startBuiltPipeline,
  waitFor,
  waitForCatchUp,
} from '@tsuzuku/platform-testing';

const DAY_MS = 86_400_000;
/** The consumer groups of the services this test runs (reporting is not one of them). */
const GROUPS = PIPELINE_CONSUMER_GROUPS.filter((g) => !g.groupId.startsWith('reporting.'));

interface Alert {
  readonly accountId: string;
  readonly ruleType: string;
  readonly status: string;
  readonly resolution: { readonly reason: string } | null;
}
interface Run {
  readonly accountId: string;
  readonly playbookId: string;
  readonly status: string;
  readonly reason: string | null;
}
interface Task {
  readonly accountId: string;
  readonly playbookId: string | null;
  readonly status: string;
  readonly note: string | null;
}

/**
 * Churn through the public APIs, from the events a product sends: two dormant accounts (nobody
 * signed in for 40 days), a free trial (Subscription Started at MRR 0) and a paying one. Both
 * have an active subscription: both start their onboarding, both get an inactivity alert and a
 * call task. The paying one then cancels: no active subscription, so its open alert, run and
 * task close as account_churned; the trial, at MRR 0 all along, keeps its open work.
 */
describe("churn: a cancelled account's open work closes, a free trial's does not", () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  let pipeline: BuiltPipeline<'ingestion' | 'health-scoring' | 'alerting' | 'playbooks'>;
  let services: (typeof pipeline)['services'];
  let writeKey = '';
  let token = '';
  const trial = `trial-${randomUUID().slice(0, 6)}`;
  const paid = `paid-${randomUUID().slice(0, 6)}`;

  const send = async (path: '/v1/import' | '/v1/batch', batch: Record<string, unknown>[]) =>
    expect(await postSegment(services.ingestion.url, writeKey, path, { batch })).toContain('"success":true');
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${services.playbooks.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  };

  beforeAll(async () => {
    pipeline = await startBuiltPipeline({
      label: 'e2e_churn',
      services: ['ingestion', 'health-scoring', 'alerting', 'playbooks'],
      env: { BACKFILL_SETTLE_MS: '3000' },
      workspace: 'churn-e2e',
    });
    ({ services, writeKey, token } = pipeline);
  }, 300_000);

  afterAll(() => pipeline?.stop());

  it('closes the alert, run and task of the account that cancelled, and keeps the trial watched', async () => {
    const onboarding = await post('/v1/playbooks', {
      name: 'Onboarding',
      trigger: { type: 'subscription_started' },
      steps: [
        { id: 'wait', type: 'wait', duration: 'P14D' },
        { id: 'review', type: 'task', title: 'Review {{account.name}}', dueInDays: 1 },
      ],
    });
    const reengage = await post('/v1/playbooks', {
      name: 'Re-engage',
      trigger: { type: 'alert_raised', ruleType: 'inactivity' },
      steps: [{ id: 'call', type: 'task', title: 'Call {{account.name}}', dueInDays: 2 }],
    });

    // The accounts' past: a group call and a last sign-in 40 days ago, imported.
    const past = new Date(Date.now() - 40 * DAY_MS).toISOString();
    await send(
      '/v1/import',
      [trial, paid].flatMap((groupId) => [
        {
          type: 'group',
          messageId: randomUUID(),
          userId: `${groupId}-u`,
          groupId,
          timestamp: past,
          traits: { name: groupId, plan: groupId === trial ? 'trial' : 'pro', mrr: 0, seats: 5 },
        },
        {
          type: 'track',
          messageId: randomUUID(),
          userId: `${groupId}-u`,
          event: 'Signed In',
          timestamp: past,
          context: { groupId },
        },
      ]),
    );
    // Today, live: each starts a subscription, the trial at MRR 0.
    const now = new Date().toISOString();
    await send(
      '/v1/batch',
      [trial, paid].map((groupId) => ({
        type: 'track',
        messageId: randomUUID(),
        userId: `${groupId}-u`,
        event: 'Subscription Started',
        timestamp: now,
        properties: {
          subscription_id: `${groupId}-s1`,
          mrr: groupId === trial ? 0 : 500,
          currency: 'USD',
          plan: groupId === trial ? 'trial' : 'pro',
        },
        context: { groupId },
      })),
    );

    const alerts = () => allPages<Alert>(`${services.alerting.url}/v1/alerts`, token);
    const runs = () => allPages<Run>(`${services.playbooks.url}/v1/playbook-runs`, token);
    const tasks = () => allPages<Task>(`${services.playbooks.url}/v1/tasks`, token);
    const openWork = async (accountId: string) => ({
      alerts: (await alerts())
        .filter((a) => a.accountId === accountId && a.status === 'open')
        .map((a) => a.ruleType)
        .sort(),
      runs: (await runs())
        .filter((r) => r.accountId === accountId && r.status === 'running')
        .map((r) => r.playbookId)
        .sort(),
      started: (await runs()).filter((r) => r.accountId === accountId).map((r) => r.playbookId),
      tasks: (await tasks()).filter((t) => t.accountId === accountId && t.status === 'open').length,
    });
    // Both active: an inactivity alert (with whatever else a dormant account raises), the
    // onboarding run (waiting) and the re-engage run, completed as it created its call task.
    // (The workspace's built-in playbooks may add runs and tasks of their own.)
    const active = (work: Awaited<ReturnType<typeof openWork>>) =>
      work.alerts.includes('inactivity') &&
      work.runs.includes(onboarding.id) &&
      work.started.includes(reengage.id) &&
      work.tasks >= 1;
    for (const accountId of [trial, paid]) {
      let last: Awaited<ReturnType<typeof openWork>> | undefined;
      await waitFor(
        async () => {
          last = await openWork(accountId);
          return active(last) ? true : undefined;
        },
        { what: `the open work of ${accountId}`, timeoutMs: 240_000 },
      ).catch(() => undefined);
      // On a time-out, the diff shows what was open.
      expect({ accountId, ...last, active: active(last!) }).toEqual({
        accountId,
        ...last,
        active: true,
      });
    }
    await waitForCatchUp(brokers, GROUPS);
    const trialWork = await openWork(trial);
    expect(active(trialWork)).toBe(true);

    await send('/v1/batch', [
      {
        type: 'track',
        messageId: randomUUID(),
        userId: `${paid}-u`,
        event: 'Subscription Cancelled',
        timestamp: new Date().toISOString(),
        properties: { subscription_id: `${paid}-s1`, mrr: 0, currency: 'USD' },
        context: { groupId: paid },
      },
    ]);
    await waitFor(
      async () =>
        (async ({ alerts, runs: running, tasks: open }) =>
          alerts.length === 0 && running.length === 0 && open === 0 ? true : undefined)(await openWork(paid)),
      { what: "the cancelled account's work to close", timeoutMs: 240_000 },
    );
    await waitForCatchUp(brokers, GROUPS);

    const paidAlerts = (await alerts()).filter((a) => a.accountId === paid);
    expect(paidAlerts.map((a) => a.ruleType)).toContain('inactivity');
    expect(paidAlerts.map((a) => [a.status, a.resolution?.reason])).toEqual(
      paidAlerts.map(() => ['resolved', 'account_churned']),
    );
    const paidRuns = (await runs()).filter((r) => r.accountId === paid);
    expect(paidRuns.filter((r) => r.playbookId === onboarding.id).map((r) => [r.status, r.reason])).toEqual([
      ['exited', 'account_churned'],
    ]);
    expect(paidRuns.filter((r) => r.status === 'running')).toEqual([]);
    // Every task closes: those of the runs it exited, and the call task of the completed run.
    const paidTasks = (await tasks()).filter((t) => t.accountId === paid);
    expect(paidTasks.filter((t) => t.playbookId === reengage.id).map((t) => [t.status, t.note])).toEqual([
      ['skipped', 'account churned: account_churned'],
    ]);
    expect(paidTasks.filter((t) => t.status === 'open')).toEqual([]);
    expect(paidTasks.every((t) => t.note?.endsWith('account_churned'))).toBe(true);
    // The trial, at MRR 0 with its subscription in force, is no churned account.
    expect(await openWork(trial)).toEqual(trialWork);
    const profile = await apiCall<{ mrr: number | null }>(
      `${services['health-scoring'].url}/v1/accounts/${trial}`,
      token,
    );
    expect(profile.mrr).toBe(0);
  }, 900_000);
});
