import { randomUUID } from 'node:crypto';
import { ChurnRisk } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  BuiltPipeline,
  BuiltService,
  apiClient,
  startBuiltPipeline,
  testAccountUpdated,
  waitFor,
} from '@tsuzuku/platform-testing';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Alert {
  id: string;
  status: string;
  title: string;
}
interface Run {
  id: string;
  playbookName: string;
  status: string;
}
interface Task {
  id: string;
  title: string;
  owner: string | null;
  runId: string | null;
  status: string;
}

const DAY_MS = 86_400_000;

/**
 * The churn model's prediction from account.updated to work for the CSM: alerting's default
 * churn_risk_above rule (above 0.5) raises an alert, which starts the built-in "Churn risk"
 * playbook (trigger alert_raised, ruleType churn_risk_above) and its call task for the account's
 * owner; the prediction falling back under the threshold resolves the alert, the run exits and
 * the open task closes as skipped.
 */
describe('churn risk: from the prediction to the CSM task', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const accountId = `acct-churn-${randomUUID().slice(0, 6)}`;
  const csm = `csm-${randomUUID().slice(0, 6)}@example.com`;
  let pipeline: BuiltPipeline<'ingestion' | 'alerting' | 'playbooks'>;
  let alerting: BuiltService;
  let playbooks: BuiltService;
  let publisher: EventPublisher;
  let token = '';
  let workspaceId = '';

  const api = <T>(base: string, path: string) =>
    apiClient(
      () => base,
      () => token,
    )<T>('GET', path);
  const risk = (probability: number): ChurnRisk => ({
    probability,
    horizonDays: 90,
    modelId: 'model-e2e',
    trainedAt: new Date(Date.now() - DAY_MS).toISOString(),
    cutoff: new Date(Date.now() - 91 * DAY_MS).toISOString().slice(0, 10),
    contributions: [
      {
        feature: 'days_since_last_sign_in',
        label: 'Days since the last sign-in',
        value: 38,
        contribution: 1.2,
      },
      { feature: 'latest_nps', label: 'Latest NPS answer', value: 3, contribution: 0.5 },
    ],
  });
  const updated = (probability: number) =>
    testAccountUpdated(workspaceId, accountId, {
      mrr: 900,
      subscriptionStatus: 'active',
      owner: csm,
      touchModel: 'high',
      churnRisk: risk(probability),
    });

  beforeAll(async () => {
    pipeline = await startBuiltPipeline({
      label: 'e2e_churn_risk',
      services: ['ingestion', 'alerting', 'playbooks'],
      env: { PLAYBOOK_TICK_MS: '200' },
      workspace: 'churn-risk-e2e',
      workspaceTimeoutMs: 60_000,
    });
    ({ workspaceId, token } = pipeline);
    ({ alerting, playbooks } = pipeline.services);
    publisher = new EventPublisher(
      new KafkaConnection(loadConfig(ServiceConfig, { KAFKA_BROKERS: brokers.join(',') }), 'churn-risk-e2e'),
    );
  }, 300_000);

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await pipeline?.stop();
  });

  it('starts the Churn risk playbook and its CSM task, and ends both when the risk falls back', async () => {
    await publisher.publish([updated(0.82)]);
    const alert = await waitFor(
      async () =>
        (await api<Page<Alert>>(alerting.url, `/v1/alerts?accountId=${accountId}&ruleType=churn_risk_above`))
          .body.items[0],
      { what: 'the churn_risk_above alert', timeoutMs: 60_000 },
    );
    expect(alert.title).toBe(
      'Churn risk 82% within 90 days (above 50%): Days since the last sign-in = 38 (+1.2); Latest NPS answer = 3 (+0.5)',
    );
    const run = await waitFor(
      async () =>
        (await api<Page<Run>>(playbooks.url, `/v1/playbook-runs?accountId=${accountId}`)).body.items.find(
          (r) => r.playbookName === 'Churn risk',
        ),
      { what: 'the Churn risk run', timeoutMs: 60_000 },
    );
    const task = await waitFor(
      async () =>
        (await api<Page<Task>>(playbooks.url, `/v1/tasks?accountId=${accountId}`)).body.items.find(
          (t) => t.runId === run.id,
        ),
      { what: 'the CSM task', timeoutMs: 60_000 },
    );
    expect(task).toMatchObject({
      title: 'Churn risk: review what drives it and call the customer',
      owner: csm,
      status: 'open',
    });

    await publisher.publish([updated(0.3)]);
    await waitFor(
      async () =>
        (await api<Alert>(alerting.url, `/v1/alerts/${alert.id}`)).body.status === 'resolved' || undefined,
      { what: 'the alert to resolve', timeoutMs: 60_000 },
    );
    const closed = await waitFor(
      async () => {
        const t = (await api<Page<Task>>(playbooks.url, `/v1/tasks?accountId=${accountId}&status=skipped`))
          .body.items[0];
        return t?.id === task.id ? t : undefined;
      },
      { what: 'the task closed as skipped', timeoutMs: 60_000 },
    );
    expect(closed.status).toBe('skipped');
    expect((await api<Run>(playbooks.url, `/v1/playbook-runs/${run.id}`)).body.status).toBe('exited');
  });
});
