import {
  BuiltService,
  CustomerBase,
  DemoEndpoints,
  DemoReport,
  PIPELINE_CONSUMER_GROUPS,
  TestDatabase,
  collectDemoReport,
  configureDemoWorkspace,
  createTestDatabase,
  generateCustomerBase,
  lastMonths,
  createWorkspaceWithCli,
  sendCustomerBase,
  startBuiltService,
  waitForCatchUp,
  waitForSettled,
} from '@tsuzuku/platform-testing';

/**
 * The demo's flow on a small generated customer base, through the five built services: the KPIs
 * must equal a deliberately simple calculation from the generated calls, made here and not by
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
    const workspace = await createWorkspaceWithCli('demo-e2e', env, [
      healthScoring,
      alerting,
      playbooks,
      reporting,
    ]);
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
    const expected = simpleKpis(base, lastMonths(now, 6));
    expect(report.kpis).toHaveLength(6);
    report.kpis.forEach((row, i) => {
      const want = expected[i]!;
      for (const key of [
        'startMrr',
        'endMrr',
        'newMrr',
        'expansionMrr',
        'contractionMrr',
        'churnedMrr',
        'reactivationMrr',
      ])
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

interface Figures {
  readonly month: string;
  readonly values: Record<string, number | null>;
}

/**
 * The KPI definitions of docs/kpis.md computed the plainest way: replay each account's
 * subscription calls to know its MRR at any instant, then apply the formulas month by month.
 */
function simpleKpis(base: CustomerBase, months: readonly string[]): Figures[] {
  const subscriptionCalls = base.calls.filter(
    (c) => c.type === 'track' && typeof c.event === 'string' && c.event.startsWith('Subscription '),
  );
  const accountIds = [...new Set(base.accounts.map((a) => a.id))];
  const mrrAt = (accountId: string, instant: number): number => {
    const latest = new Map<string, number>();
    for (const c of subscriptionCalls) {
      if (c.context.groupId !== accountId || Date.parse(c.timestamp) > instant) continue;
      const p = c.properties!;
      latest.set(String(p['subscription_id']), c.event === 'Subscription Cancelled' ? 0 : Number(p['mrr']));
    }
    let sum = 0;
    for (const v of latest.values()) sum += v;
    return sum;
  };
  return months.map((month) => {
    const start = Date.parse(`${month}-01T00:00:00.000Z`);
    const next = new Date(start);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const end = next.getTime();
    const figures: Record<string, number | null> = {
      startMrr: 0,
      endMrr: 0,
      newMrr: 0,
      expansionMrr: 0,
      contractionMrr: 0,
      churnedMrr: 0,
      reactivationMrr: 0,
    };
    let retained = 0;
    let kept = 0;
    let lost = 0;
    let inS = 0;
    for (const id of accountIds) {
      const startMrr = mrrAt(id, start - 1);
      const endMrr = mrrAt(id, end - 1);
      figures['endMrr']! += endMrr;
      if (startMrr > 0) {
        inS++;
        figures['startMrr']! += startMrr;
        retained += Math.min(startMrr, endMrr);
        kept += endMrr;
        if (endMrr === 0) lost++;
      }
      // Every change of the account's MRR inside the month, in time order.
      const instants = subscriptionCalls
        .filter((c) => c.context.groupId === id)
        .map((c) => Date.parse(c.timestamp))
        .filter((t, i, all) => all.indexOf(t) === i)
        .sort((a, b) => a - b);
      let hadMrr = instants.some((t) => t < start && mrrAt(id, t) > 0);
      let previous = startMrr;
      for (const t of instants) {
        if (t < start || t >= end) continue;
        const n = mrrAt(id, t);
        if (n === previous) continue;
        if (previous === 0 && n > 0) figures[hadMrr ? 'reactivationMrr' : 'newMrr']! += n;
        else if (n > previous) figures['expansionMrr']! += n - previous;
        else if (n > 0) figures['contractionMrr']! += previous - n;
        else figures['churnedMrr']! += previous;
        if (n > 0) hadMrr = true;
        previous = n;
      }
    }
    figures['logoChurnRate'] = inS === 0 ? null : lost / inS;
    figures['grr'] = figures['startMrr'] === 0 ? null : retained / figures['startMrr']!;
    figures['nrr'] = figures['startMrr'] === 0 ? null : kept / figures['startMrr']!;
    // NPS over each respondent's latest answer in the month.
    const latest = new Map<string, { at: string; score: number }>();
    for (const c of base.calls) {
      if (c.event !== 'Survey Responded' || c.properties?.['survey'] !== 'nps') continue;
      const at = Date.parse(c.timestamp);
      if (at < start || at >= end) continue;
      const known = latest.get(c.userId);
      if (!known || known.at <= c.timestamp)
        latest.set(c.userId, { at: c.timestamp, score: Number(c.properties['score']) });
    }
    const answers = [...latest.values()];
    figures['nps'] =
      answers.length === 0
        ? null
        : (100 * (answers.filter((a) => a.score >= 9).length - answers.filter((a) => a.score <= 6).length)) /
          answers.length;
    // Activity: every call (identify and group included) is an event of a user of its account.
    const active = base.calls.filter((c) => {
      const at = Date.parse(c.timestamp);
      return at >= start && at < end;
    });
    figures['activeAccounts'] = new Set(active.map((c) => c.context.groupId)).size;
    figures['mau'] = new Set(active.map((c) => c.userId)).size;
    return { month, values: figures };
  });
}
