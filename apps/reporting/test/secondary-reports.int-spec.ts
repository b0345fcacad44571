import { Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { EVENT_TYPES, EventRegistry, EventType, messageKey } from '@tsuzuku/contracts';
import {
  BuiltService,
  TestDatabase,
  createTestDatabase,
  createWorkspaceWithCli,
  postSegment,
  startBuiltService,
  testEnvelope,
  waitFor,
} from '@tsuzuku/platform-testing';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The reports beside the KPIs: subscriptions through ingestion, and the alerts, playbook runs
 * and health changes the other services would publish, produced here to their topics as those
 * services do (contract envelopes keyed workspace:account).
 */
describe('cohort, health, alert and playbook reports', () => {
  let db: TestDatabase;
  let ingestion: BuiltService;
  let reporting: BuiltService;
  let producer: Producer;
  let writeKey: string;
  let token: string;
  let workspaceId: string;
  const env = () => ({ DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789' });
  // Midnight UTC today, so that day boundaries are exact.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const ago = (days: number, hours = 12) => new Date(today - days * DAY_MS + hours * HOUR_MS).toISOString();
  const date = (days: number) => new Date(today - days * DAY_MS).toISOString().slice(0, 10);

  const api = async <T>(p: string) => {
    const response = await fetch(`${reporting.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const publish = async <K extends EventType>(
    type: K,
    accountId: string,
    occurredAt: string,
    data: object,
  ) => {
    await producer.send({
      topic: EVENT_TYPES[type].topic,
      messages: [
        {
          key: messageKey(workspaceId, accountId),
          value: JSON.stringify(
            testEnvelope(type, workspaceId, accountId, data as EventRegistry[K], occurredAt),
          ),
        },
      ],
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase('reporting_reports');
    [ingestion, reporting] = await Promise.all([
      startBuiltService('ingestion', env()),
      startBuiltService('reporting', env()),
    ]);
    ({ writeKey, token, workspaceId } = await createWorkspaceWithCli('reports-co', env(), [reporting.url]));
    const kafka = new Kafka({
      brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 90_000);

  afterAll(async () => {
    await producer?.disconnect();
    await Promise.all([ingestion?.stop(), reporting?.stop()]);
    await db?.drop();
  });

  it('reports playbook outcomes for treated and holdout accounts, alerts per rule type, bands over time and cohorts', async () => {
    // Three accounts start 200 days ago: p1 at 100, p2 at 50 (cancels 150 days ago), h1 at 80.
    const sub = (account: string, kind: string, id: string, mrr: number, timestamp: string) => ({
      type: 'track',
      userId: `${account}-u`,
      event: `Subscription ${kind}`,
      properties: { subscription_id: id, mrr, currency: 'USD' },
      timestamp,
      context: { groupId: account },
    });
    const imported = await postSegment(ingestion.url, writeKey, '/v1/import', {
      batch: [
        sub('p1', 'Started', 's-p1', 100, ago(200)),
        sub('p2', 'Started', 's-p2', 50, ago(200)),
        sub('h1', 'Started', 's-h1', 80, ago(200)),
        sub('p2', 'Cancelled', 's-p2', 0, ago(150)),
      ],
    });
    expect(imported).toContain('"success":true');

    // Playbook runs 180 days ago: p1 and p2 treated (p1 completes), h1 held out.
    const run = (runId: string) => ({ runId, playbookId: 'pb-1', playbookName: 'Rescue', version: 1 });
    for (const [account, holdout] of [
      ['p1', false],
      ['p2', false],
      ['h1', true],
    ] as const)
      await publish('playbook.run.started', account, ago(180), {
        ...run(`run-${account}`),
        trigger: { type: 'alert_raised', ref: null },
        holdout,
      });
    await publish('playbook.run.finished', 'p1', ago(170), {
      ...run('run-p1'),
      status: 'completed',
      reason: null,
    });
    await publish('playbook.run.finished', 'p2', ago(170), {
      ...run('run-p2'),
      status: 'exited',
      reason: 'exit condition',
    });
    await publish('playbook.run.finished', 'h1', ago(180), {
      ...run('run-h1'),
      status: 'holdout',
      reason: null,
    });

    // Alerts: two inactivity alerts resolved after 48 h and 24 h; a score drop still open.
    const alert = (alertId: string, ruleType: string, openedAt: string, resolvedAt: string | null) => ({
      alertId,
      ruleId: `rule-${ruleType}`,
      ruleType,
      ruleName: ruleType,
      severity: 'medium',
      status: resolvedAt ? 'resolved' : 'open',
      positive: false,
      owner: null,
      title: `${ruleType} on the account`,
      evidence: {},
      occurrences: 1,
      openedAt,
      lastSeenAt: openedAt,
      resolvedAt,
      resolution: resolvedAt ? { kind: 'auto', reason: 'cleared', by: null, note: null } : null,
      change: resolvedAt ? 'resolved' : 'raised',
    });
    await publish('alert.raised', 'p1', ago(10), alert('al-1', 'inactivity', ago(10), null));
    await publish('alert.resolved', 'p1', ago(8), alert('al-1', 'inactivity', ago(10), ago(8)));
    await publish('alert.raised', 'p2', ago(9), alert('al-2', 'inactivity', ago(9), null));
    await publish('alert.resolved', 'p2', ago(8), alert('al-2', 'inactivity', ago(9), ago(8)));
    await publish('alert.raised', 'h1', ago(5), alert('al-3', 'score_drop', ago(5), null));

    // Bands: p1 green and p2 red 10 days ago, p2 yellow 5 days ago.
    const health = (score: number, band: string) => ({
      score,
      band,
      computedScore: score,
      coverage: 1,
      scorecardId: null,
      override: null,
    });
    await publish('account.health.changed', 'p1', ago(10), {
      previous: null,
      current: health(80, 'green'),
      reason: 'test',
      movers: [],
    });
    await publish('account.health.changed', 'p2', ago(10), {
      previous: null,
      current: health(20, 'red'),
      reason: 'test',
      movers: [],
    });
    await publish('account.health.changed', 'p2', ago(5), {
      previous: health(20, 'red'),
      current: health(50, 'yellow'),
      reason: 'test',
      movers: [],
    });

    // Playbooks, from 200 days ago to today. Treated: p1 and p2 had 100 + 50 at the start;
    // 90 days later p1 has 100 and p2 0: logo churn 1 / 2, NRR 100 / 150. Holdout: h1 80 → 80.
    const playbooks = await waitFor(
      async () => {
        const report = await api<{ playbooks: Record<string, unknown>[] }>(
          `/v1/reports/playbooks?from=${date(200)}&to=${date(0)}`,
        );
        const pb = report.playbooks[0] as
          { runs: number; holdoutRuns: number; completed: number; treated: { accounts: number } } | undefined;
        return pb && pb.runs === 2 && pb.holdoutRuns === 1 && pb.completed === 1 && pb.treated.accounts === 2
          ? report
          : undefined;
      },
      { what: 'the playbook runs and subscriptions', timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(playbooks.playbooks).toEqual([
      {
        playbookId: 'pb-1',
        playbookName: 'Rescue',
        runs: 2,
        holdoutRuns: 1,
        completed: 1,
        completionRate: 0.5,
        treated: { accounts: 2, logoChurnRate: 0.5, nrr: 100 / 150 },
        holdout: { accounts: 1, logoChurnRate: 0, nrr: 1 },
      },
    ]);

    // Alerts in the last 12 days: inactivity median of 48 h and 24 h is 36 h.
    const alerts = await waitFor(
      async () => {
        const report = await api<{ ruleTypes: { ruleType: string; raised: number; resolved: number }[] }>(
          `/v1/reports/alerts?from=${date(12)}&to=${date(0)}`,
        );
        return report.ruleTypes.length === 2 && report.ruleTypes[0]!.resolved === 2 ? report : undefined;
      },
      { what: 'the alerts', timeoutMs: 20_000, intervalMs: 300 },
    );
    expect(alerts.ruleTypes).toEqual([
      { ruleType: 'inactivity', raised: 2, resolved: 2, medianHoursToResolve: 36 },
      { ruleType: 'score_drop', raised: 1, resolved: 0, medianHoursToResolve: null },
    ]);

    // Bands at the end of each day: none before day -10; then green 1 + red 1; yellow from day -5.
    const distribution = await waitFor(
      async () => {
        const report = await api<{
          points: { date: string; red: number; yellow: number; green: number; none: number }[];
        }>(`/v1/reports/health-distribution?from=${date(11)}&to=${date(4)}&interval=day`);
        return report.points.at(-1)?.yellow === 1 ? report : undefined;
      },
      { what: 'the health changes', timeoutMs: 20_000, intervalMs: 300 },
    );
    const at = (days: number) => distribution.points.find((p) => p.date === date(days));
    expect(distribution.points).toHaveLength(8);
    expect(at(11)).toEqual({ date: date(11), red: 0, yellow: 0, green: 0, none: 0 });
    expect(at(10)).toEqual({ date: date(10), red: 1, yellow: 0, green: 1, none: 0 });
    expect(at(6)).toEqual({ date: date(6), red: 1, yellow: 0, green: 1, none: 0 });
    expect(at(5)).toEqual({ date: date(5), red: 0, yellow: 1, green: 1, none: 0 });

    // Cohorts: the three started in the same month; p2 left 150 days ago.
    const startMonth = ago(200).slice(0, 7);
    const nowMonth = new Date(today).toISOString().slice(0, 7);
    const cohorts = await api<{
      cohorts: {
        cohort: string;
        accounts: number;
        startMrr: number;
        months: {
          month: string;
          accounts: number;
          mrr: number;
          logoRetention: number;
          revenueRetention: number;
        }[];
      }[];
    }>(`/v1/reports/cohorts?from=${startMonth}&to=${nowMonth}`);
    expect(cohorts.cohorts).toHaveLength(1);
    const cohort = cohorts.cohorts[0]!;
    expect(cohort).toMatchObject({ cohort: startMonth, accounts: 3, startMrr: 230 });
    expect(cohort.months[0]).toMatchObject({
      month: startMonth,
      accounts: 3,
      mrr: 230,
      logoRetention: 1,
      revenueRetention: 1,
    });
    expect(cohort.months.at(-1)).toMatchObject({
      month: nowMonth,
      accounts: 2,
      mrr: 180,
      logoRetention: 2 / 3,
      revenueRetention: 180 / 230,
    });

    // CSV of the alerts report.
    const csv = await fetch(`${reporting.url}/v1/reports/alerts?from=${date(12)}&to=${date(0)}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/csv' },
    });
    expect(await csv.text()).toBe(
      'ruleType,raised,resolved,medianHoursToResolve\r\ninactivity,2,2,36\r\nscore_drop,1,0,\r\n',
    );

    // Dates are checked: every problem with its field path.
    const bad = await fetch(
      `${reporting.url}/v1/reports/health-distribution?from=2026-02-30&to=yesterday&interval=month`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(problems).toEqual(['from', 'interval', 'to']);
  }, 90_000);
});
