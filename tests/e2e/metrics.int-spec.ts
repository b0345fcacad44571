import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  BuiltService,
  PIPELINE_CONSUMER_GROUPS,
  TestDatabase,
  alertNewAccountsAtOnce,
  apiClient,
  createTestDatabase,
  createWorkspaceWithCli,
  enterpriseSignupCalls,
  startBuiltService,
  waitFor,
  waitForCatchUp,
} from '@tsuzuku/platform-testing';
import { PrometheusSample, parsePrometheusText, sampleSum } from '@tsuzuku/platform-telemetry';

const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'] as const;
type ServiceName = (typeof SERVICES)[number];
const ACCOUNTS = 3;

/** The consumer group each consuming service runs the pipeline with. */
const GROUP_OF: Partial<Record<ServiceName, string>> = {
  'health-scoring': 'health-scoring.scoring',
  alerting: 'alerting.accounts',
  playbooks: 'playbooks.signals',
  reporting: 'reporting.read-models',
};

interface Scrape {
  readonly text: string;
  readonly samples: PrometheusSample[];
}

/**
 * The five built services as an SRE runs them: /metrics scraped before and after real traffic
 * (events through the Segment API, a playbook, NPS detractors raising alerts, KPI reports, a
 * poison message), and the series each service promises are there and have moved by what the
 * traffic made them move: counts exactly where the test knows them, growth elsewhere, lag back
 * to zero once the pipeline has drained.
 */
describe('Prometheus metrics of the five services', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  let db: TestDatabase;
  const services = new Map<ServiceName, BuiltService>();
  let writeKey = '';
  let token = '';
  let workspaceId = '';
  const before = new Map<ServiceName, Scrape>();

  const url = (name: ServiceName) => services.get(name)!.url;
  const scrape = async (name: ServiceName): Promise<Scrape> => {
    const response = await fetch(`${url(name)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    return { text, samples: parsePrometheusText(text) };
  };
  const api = <T>(name: ServiceName, method: string, path: string, body?: unknown) =>
    apiClient(
      () => url(name),
      () => token,
    )<T>(method, path, body);
  const sendBatch = (key: string, batch: unknown[]) =>
    fetch(`${url('ingestion')}/v1/batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch }),
    });
  /** How much a series (summed over the samples matching `labels`) grew between the two scrapes. */
  const growth = (
    name: ServiceName,
    after: Scrape,
    series: string,
    labels: Record<string, string> = {},
  ): number => {
    const now = sampleSum(after.samples, series, labels);
    if (now === undefined) throw new Error(`${name} has no ${series} ${JSON.stringify(labels)}`);
    return now - (sampleSum(before.get(name)!.samples, series, labels) ?? 0);
  };

  beforeAll(async () => {
    db = await createTestDatabase('e2e_metrics');
    const env = { DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789' };
    // Five built services on a loaded machine: give each start its time.
    const started = await Promise.all(SERVICES.map((name) => startBuiltService(name, env, 240_000)));
    SERVICES.forEach((name, i) => services.set(name, started[i]!));
    ({ writeKey, token, workspaceId } = await createWorkspaceWithCli(
      'metrics-e2e',
      env,
      SERVICES.filter((s) => s !== 'ingestion').map(url),
      { timeoutMs: 60_000 },
    ));
    for (const name of SERVICES) before.set(name, await scrape(name));
  }, 420_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => s.stop()));
    await db?.drop();
  });

  it('counts the traffic on every service, and the lag returns to zero once drained', async () => {
    const playbook = await api<{ id: string }>('playbooks', 'POST', '/v1/playbooks', {
      name: 'Enterprise onboarding',
      trigger: { type: 'subscription_started' },
      audience: { segments: ['enterprise'] },
      steps: [{ id: 'kickoff', type: 'task', title: 'Kickoff with {{account.name}}', dueInDays: 1 }],
    });
    expect(playbook.status).toBe(201);
    // The accounts are seconds old: alerted at once only by a rule without a grace period.
    await alertNewAccountsAtOnce(url('alerting'), token, ['nps_detractor']);

    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `metrics-${i}-${randomUUID().slice(0, 6)}`);
    const now = new Date().toISOString();
    const callsOf = (groupId: string, i: number) => [
      ...enterpriseSignupCalls(groupId, `Metrics ${i}`, now),
      {
        type: 'track',
        messageId: randomUUID(),
        userId: `${groupId}-owner`,
        event: 'Survey Responded',
        timestamp: now,
        properties: { survey: 'nps', score: 2 },
        context: { groupId },
      },
    ];
    let valid = 0;
    for (const [i, groupId] of accounts.entries()) {
      const calls: unknown[] = callsOf(groupId, i);
      valid += calls.length;
      // One invalid call (a track without its event name) in the first batch.
      if (i === 0) calls.push({ type: 'track', messageId: randomUUID(), userId: 'x', timestamp: now });
      const response = await sendBatch(writeKey, calls);
      expect(response.status).toBe(200);
    }
    // A whole request refused: its two calls count as refused for that reason.
    expect((await sendBatch('wk_not-a-real-key', callsOf('nobody', 9).slice(0, 2))).status).toBe(401);
    // A message no contract allows, straight onto cs.events.v1: every consumer of it dead-letters it.
    const producer = new Kafka({ clientId: 'metrics-e2e', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: 'cs.events.v1',
      messages: [{ key: `${workspaceId}:poison`, value: '{"not json' }],
    });
    await producer.disconnect();

    // The effects: a run per account, an NPS-detractor alert per account.
    await waitFor(
      async () => {
        const runs = await api<{ items: unknown[] }>(
          'playbooks',
          'GET',
          `/v1/playbook-runs?playbookId=${playbook.body.id}&limit=200`,
        );
        return runs.body.items.length === ACCOUNTS || undefined;
      },
      { what: `${ACCOUNTS} playbook runs`, timeoutMs: 180_000 },
    );
    await waitFor(
      async () => {
        const alerts = await api<{ items: { ruleType: string }[] }>(
          'alerting',
          'GET',
          '/v1/alerts?limit=200',
        );
        return (
          alerts.body.items.filter((a) => a.ruleType === 'nps_detractor').length === ACCOUNTS || undefined
        );
      },
      { what: `${ACCOUNTS} NPS-detractor alerts`, timeoutMs: 180_000 },
    );
    const month = now.slice(0, 7);
    expect((await api('reporting', 'GET', `/v1/reports/kpis?from=${month}&to=${month}`)).status).toBe(200);
    expect(
      (await api('reporting', 'GET', `/v1/reports/kpis?from=${month}&to=${month}&segment=enterprise`)).status,
    ).toBe(200);
    expect(
      (await api('reporting', 'GET', `/v1/reports/mrr-movements?from=${month}&to=${month}`)).status,
    ).toBe(200);
    await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS, { timeoutMs: 180_000 });

    // The lag each consumer reports (read from Kafka at most every 5 s) comes back to zero.
    const after = new Map<ServiceName, Scrape>();
    for (const [name, group] of Object.entries(GROUP_OF) as [ServiceName, string][])
      after.set(
        name,
        await waitFor(
          async () => {
            const s = await scrape(name);
            const lag = sampleSum(s.samples, 'tsuzuku_messaging_consumer_lag', {
              messaging_consumer_group_name: group,
            });
            return lag === 0 ? s : undefined;
          },
          { what: `${name} to report a lag of 0 for ${group}`, timeoutMs: 30_000 },
        ),
      );
    after.set('ingestion', await scrape('ingestion'));

    // Every service: its identity, HTTP durations, the runtime, its connection pool, and nothing secret.
    for (const name of SERVICES) {
      const s = after.get(name)!;
      expect(s.text).toContain(`target_info{service_name="tsuzuku-${name}"`);
      expect(
        growth(name, s, 'http_server_request_duration_count', { http_route: '/metrics' }),
      ).toBeGreaterThanOrEqual(1);
      expect(sampleSum(s.samples, 'nodejs_eventloop_delay_p99')).toBeGreaterThanOrEqual(0);
      expect(sampleSum(s.samples, 'nodejs_eventloop_utilization')).toBeGreaterThan(0);
      expect(
        sampleSum(s.samples, 'v8js_memory_heap_used', { v8js_heap_space_name: 'old_space' }),
      ).toBeGreaterThan(0);
      expect(growth(name, s, 'process_cpu_time_total')).toBeGreaterThan(0);
      expect(
        sampleSum(s.samples, 'db_client_connection_max', {
          db_client_connection_pool_name: `tsuzuku-${name}`,
        }),
      ).toBeGreaterThan(0);
      expect(sampleSum(s.samples, 'db_client_connection_count')).toBeGreaterThan(0);
      for (const secret of [writeKey, token, workspaceId, ...accounts]) expect(s.text).not.toContain(secret);
    }

    // Ingestion: every valid event accepted, the invalid one and the refused request's calls by reason.
    const ingestion = after.get('ingestion')!;
    expect(
      growth('ingestion', ingestion, 'tsuzuku_ingestion_events_accepted_total', {
        tsuzuku_ingestion_mode: 'live',
      }),
    ).toBe(valid);
    expect(
      growth('ingestion', ingestion, 'tsuzuku_ingestion_events_refused_total', {
        error_type: 'invalid_event',
      }),
    ).toBe(1);
    expect(
      growth('ingestion', ingestion, 'tsuzuku_ingestion_events_refused_total', {
        error_type: 'invalid_write_key',
      }),
    ).toBe(2);
    const batchRoute = { http_route: '/v1/batch', http_request_method: 'POST' };
    expect(
      growth('ingestion', ingestion, 'http_server_request_duration_count', {
        ...batchRoute,
        http_response_status_code: '200',
      }),
    ).toBe(ACCOUNTS);
    expect(
      growth('ingestion', ingestion, 'http_server_request_duration_count', {
        ...batchRoute,
        http_response_status_code: '401',
      }),
    ).toBe(1);

    // Each consumer: the messages it processed, per partition; the poison it dead-lettered.
    for (const [name, group] of Object.entries(GROUP_OF) as [ServiceName, string][]) {
      const s = after.get(name)!;
      const ofGroup = { messaging_consumer_group_name: group };
      expect(growth(name, s, 'messaging_client_consumed_messages_total', ofGroup)).toBeGreaterThan(0);
      expect(growth(name, s, 'messaging_process_duration_count', ofGroup)).toBeGreaterThan(0);
      for (const sample of s.samples.filter((x) => x.name === 'tsuzuku_messaging_consumer_lag'))
        expect(sample.labels['messaging_destination_partition_id']).toMatch(/^\d+$/);
      if (group !== 'alerting.accounts')
        expect(
          growth(name, s, 'tsuzuku_messaging_dead_letters_total', {
            ...ofGroup,
            messaging_destination_name: 'cs.events.v1',
            error_type: 'CONTRACT_VIOLATION',
          }),
        ).toBeGreaterThanOrEqual(1);
    }
    // health-scoring read every valid event and the poison (and whatever earlier tests on this
    // broker left unread for its group).
    expect(
      growth('health-scoring', after.get('health-scoring')!, 'messaging_client_consumed_messages_total', {
        messaging_consumer_group_name: 'health-scoring.scoring',
      }),
    ).toBeGreaterThanOrEqual(valid + 1);

    // The outboxes published what the services announced, and are empty again.
    for (const name of ['health-scoring', 'alerting', 'playbooks'] as const) {
      const s = after.get(name)!;
      expect(growth(name, s, 'tsuzuku_outbox_published_messages_total')).toBeGreaterThan(0);
      expect(sampleSum(s.samples, 'tsuzuku_outbox_backlog')).toBe(0);
      expect(sampleSum(s.samples, 'tsuzuku_outbox_oldest_age')).toBe(0);
    }

    // The pipeline's own latencies and outcomes: at least this test's (the broker is shared with
    // the tests before, whose unread messages these services may process too).
    const scoring = after.get('health-scoring')!;
    expect(
      growth('health-scoring', scoring, 'tsuzuku_scoring_event_to_score_duration_count'),
    ).toBeGreaterThanOrEqual(ACCOUNTS);
    const alerting = after.get('alerting')!;
    const detractor = { tsuzuku_alert_rule_type: 'nps_detractor' };
    expect(
      growth('alerting', alerting, 'tsuzuku_alerting_health_to_alert_duration_count', detractor),
    ).toBeGreaterThanOrEqual(ACCOUNTS);
    expect(
      growth('alerting', alerting, 'tsuzuku_alerting_alert_changes_total', {
        ...detractor,
        tsuzuku_alert_change: 'raised',
      }),
    ).toBeGreaterThanOrEqual(ACCOUNTS);
    const playbooks = after.get('playbooks')!;
    expect(
      growth('playbooks', playbooks, 'tsuzuku_playbooks_step_executions_total', {
        tsuzuku_playbook_step_type: 'task',
        tsuzuku_playbook_step_outcome: 'succeeded',
      }),
    ).toBe(ACCOUNTS);
    expect(
      growth('playbooks', playbooks, 'tsuzuku_playbooks_step_duration_count', {
        tsuzuku_playbook_step_type: 'task',
      }),
    ).toBe(ACCOUNTS);
    expect(
      growth('playbooks', playbooks, 'tsuzuku_playbooks_runs_finished_total', {
        tsuzuku_playbook_run_status: 'completed',
      }),
    ).toBe(ACCOUNTS);
    const reporting = after.get('reporting')!;
    expect(
      growth('reporting', reporting, 'tsuzuku_reporting_kpi_query_duration_count', {
        tsuzuku_report_name: 'kpis',
        tsuzuku_report_sliced: 'false',
      }),
    ).toBe(1);
    expect(
      growth('reporting', reporting, 'tsuzuku_reporting_kpi_query_duration_count', {
        tsuzuku_report_name: 'kpis',
        tsuzuku_report_sliced: 'true',
      }),
    ).toBe(1);
    expect(
      growth('reporting', reporting, 'tsuzuku_reporting_kpi_query_duration_count', {
        tsuzuku_report_name: 'mrr_movements',
      }),
    ).toBe(1);

    // deploy/metrics.json (what the dashboards and alert rules may read) names only served series.
    const listed = (
      JSON.parse(readFileSync(join(__dirname, '../../deploy/metrics.json'), 'utf8')) as {
        metrics: { name: string; type: string; labels: string[]; servedOnlyAfter?: string }[];
      }
    ).metrics;
    const served = [...after.values()].flatMap((s) => s.samples);
    const unserved = listed.flatMap((metric) => {
      const names =
        metric.type === 'histogram'
          ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix)
          : [metric.name];
      return names.flatMap((name) => {
        const samples = served.filter((sample) => sample.name === name);
        // A series written only after an event this traffic does not cause says so in the list.
        if (samples.length === 0) return metric.servedOnlyAfter ? [] : [`${name}: not served`];
        return metric.labels
          .filter((label) => !samples.some((sample) => label in sample.labels))
          .map((label) => `${name}: no label ${label}`);
      });
    });
    expect(unserved).toEqual([]);
  }, 600_000);
});
