import {
  BuiltService,
  DEMO_DEFAULT_OWNER,
  CustomerBase,
  DemoEndpoints,
  DemoReport,
  MRR_FIGURES,
  PIPELINE_CONSUMER_GROUPS,
  TestDatabase,
  collectDemoReport,
  configureDemoWorkspace,
  createTestDatabase,
  generateCustomerBase,
  independentKpis,
  lastMonths,
  createWorkspaceWithCli,
  sendCustomerBase,
  startBuiltService,
  waitForCatchUp,
  waitForSettled,
} from '@tsuzuku/platform-testing';

/**
 * The demo's flow on a small generated customer base, through the five built services: the KPIs
 * must equal a deliberately simple calculation from the generated calls (independent-kpis.ts), not by
 * the reporting code; the accounts the generator made decline must be red with open alerts and
 * CSM tasks, and the healthy ones must not.
 */
describe('the demo flow end to end', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const now = new Date();
  let db: TestDatabase;
  let services: BuiltService[] = [];
  let base: CustomerBase;
  let report: DemoReport;

  beforeAll(async () => {
    db = await createTestDatabase('e2e_demo');
    const env = { DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789' };
    services = await Promise.all(
      // Five built services on a loaded machine: give each start its time.
      ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'].map((name) =>
        startBuiltService(name, env, 180_000),
      ),
    );
    const [ingestion, healthScoring, alerting, playbooks, reporting] = services.map((s) => s.url) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const endpoints: DemoEndpoints = { ingestion, healthScoring, alerting, playbooks, reporting };
    const workspace = await createWorkspaceWithCli(
      'demo-e2e',
      env,
      [healthScoring, alerting, playbooks, reporting],
      { fallbackOwner: DEMO_DEFAULT_OWNER },
    );
    const token = workspace.token;
    base = generateCustomerBase({ accounts: 40, months: 6, seed: 7, now });
    await configureDemoWorkspace(endpoints, token, base);
    await sendCustomerBase(ingestion, workspace.writeKey, base.calls);
    await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS, { timeoutMs: 240_000 });
    await waitForSettled(endpoints, token);
    report = await collectDemoReport(endpoints, token, { now, months: 6 });
  }, 600_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await db?.drop();
  });

  it('reports the KPIs a simple calculation from the generated calls gives', () => {
    const expected = independentKpis(base, lastMonths(now, 6));
    expect(report.kpis).toHaveLength(6);
    report.kpis.forEach((row, i) => {
      const want = expected[i]!;
      for (const key of MRR_FIGURES)
        expect({ month: want.month, key, value: Number(row[key]) }).toEqual({
          month: want.month,
          key,
          value: want.values[key],
        });
      for (const key of ['logoChurnRate', 'grr', 'nrr', 'nps', 'mau', 'activeAccounts']) {
        const got = row[key] === null ? null : Number(row[key]);
        if (want.values[key] === null)
          expect({ month: want.month, key, got }).toEqual({ month: want.month, key, got: null });
        else expect(got).toBeCloseTo(want.values[key]!, 6);
      }
    });
  });

  it('puts the declining accounts in the red band with open alerts and CSM tasks, and not the healthy ones', () => {
    const bandOf = new Map(report.accounts.map((a) => [a.accountId, a.band]));
    const alerted = new Set(report.openAlerts.map((a) => a.accountId));
    const tasked = new Set(report.openTasks.map((t) => t.accountId));
    const declining = base.accounts.filter((a) => a.trajectory === 'declining');
    const healthy = base.accounts.filter((a) => a.trajectory === 'healthy' || a.trajectory === 'expanding');
    expect(declining.length).toBeGreaterThan(0);
    expect(healthy.length).toBeGreaterThan(0);
    // The playbook that turns a red score into CSM work; a run that is still going has open work.
    const adoptionRisk = new Set(
      report.runs
        .filter((r) => r.playbookName === 'Adoption risk' && r.status === 'running')
        .map((r) => r.accountId),
    );
    for (const a of declining)
      expect({
        account: a.id,
        band: bandOf.get(a.id),
        alerted: alerted.has(a.id),
        tasked: tasked.has(a.id),
        adoptionRisk: adoptionRisk.has(a.id),
      }).toEqual({ account: a.id, band: 'red', alerted: true, tasked: true, adoptionRisk: true });
    const riskAlerts = new Set(
      report.openAlerts
        .filter((a) => a.ruleType === 'score_below' || a.ruleType === 'inactivity')
        .map((a) => a.accountId),
    );
    for (const a of healthy)
      expect({
        account: a.id,
        red: bandOf.get(a.id) === 'red',
        riskAlert: riskAlerts.has(a.id),
        adoptionRisk: adoptionRisk.has(a.id),
      }).toEqual({ account: a.id, red: false, riskAlert: false, adoptionRisk: false });
  });
});
