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
const RECOVERED = 12;
const STILL_RED = 2;
const SEATS = 5;

interface Point {
  readonly at: string;
  readonly score: number | null;
  readonly band: string | null;
  readonly reason: string;
}
interface History {
  readonly points: readonly Point[];
  readonly trend7d: number | null;
  readonly trend30d: number | null;
}
interface Page<T> {
  readonly items: readonly T[];
}
interface Run {
  readonly accountId: string;
  readonly playbookId: string;
}
interface Task {
  readonly accountId: string;
  readonly playbookId: string | null;
}
interface Alert {
  readonly accountId: string;
  readonly ruleType: string;
  readonly status: string;
  readonly positive: boolean;
}

/**
 * Six months of history through /v1/import, as the Segment SDK sends it: accounts that were red
 * (nobody signs in for months, an NPS 2, support tickets) and are green now (daily sign-ins, an
 * NPS 10), and two that are still red at the end. The past is rebuilt at event time, and only
 * the present acts: no alert, resolved or open, for the recovered accounts and no playbook run
 * or task; one alert per rule that holds for those still red, and one run and task each. Then a
 * late event, older than days already rebuilt, rebuilds those days again.
 */
describe('backfill: six months of imported history', () => {
  let pipeline: BuiltPipeline<'ingestion' | 'health-scoring' | 'alerting' | 'reporting' | 'playbooks'>;
  let services: (typeof pipeline)['services'];
  let playbookIds: Record<string, string>;
  let writeKey: string;
  let token: string;
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  // The start of today (UTC), so that "n days ago" is a whole day whatever the hour of the run.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const ago = (days: number, hour = 10) => new Date(today - days * DAY_MS + hour * 3_600_000).toISOString();
  const dayOf = (iso: string) => Math.round((today - Date.parse(iso.slice(0, 10))) / DAY_MS);

  beforeAll(async () => {
    pipeline = await startBuiltPipeline({
      label: 'e2e_backfill',
      services: ['ingestion', 'health-scoring', 'alerting', 'reporting', 'playbooks'],
      env: { BACKFILL_SETTLE_MS: '15000' },
      workspace: 'backfill-e2e',
    });
    ({ services, writeKey, token } = pipeline);
    // The workspace's built-in playbooks: "Adoption risk" (a call task when the score falls
    // below its band) and "Expansion" (an upsell task on a positive signal), among others.
    const listed = await apiCall<{ items: { id: string; name: string }[] }>(
      `${services.playbooks.url}/v1/playbooks`,
      token,
    );
    playbookIds = Object.fromEntries(listed.items.map((p) => [p.name, p.id]));
    expect(playbookIds['Adoption risk']).toBeDefined();
    expect(playbookIds['Expansion']).toBeDefined();
  }, 300_000);

  const importCalls = async (calls: readonly Record<string, unknown>[]) => {
    for (let i = 0; i < calls.length; i += 250) {
      const answer = await postSegment(services.ingestion.url, writeKey, '/v1/import', {
        batch: calls.slice(i, i + 250),
      });
      expect(answer).toContain('"success":true');
    }
  };
  const historyOf = (id: string) =>
    apiCall<History>(
      `${services['health-scoring'].url}/v1/accounts/${id}/health/history?from=${ago(200).slice(0, 10)}&limit=1000`,
      token,
    );
  const recovered = Array.from({ length: RECOVERED }, (_, i) => `acct-r${String(i).padStart(2, '0')}`);
  const stillRed = Array.from({ length: STILL_RED }, (_, i) => `acct-x${i}`);

  afterAll(() => pipeline?.stop());

  /** The calls of one account, as the SDK sends them; `recovered` ones turn green 60 days ago. */
  function history(accountId: string, recovered: boolean): Record<string, unknown>[] {
    const users = Array.from({ length: 4 }, (_, i) => `${accountId}-u${i}`);
    const on = (days: number, call: Record<string, unknown>, hour = 10) => ({
      ...call,
      userId: (call['userId'] as string | undefined) ?? users[0],
      timestamp: ago(days, hour),
      context: { groupId: accountId },
    });
    const calls: Record<string, unknown>[] = [
      on(185, {
        type: 'group',
        groupId: accountId,
        traits: { name: `Account ${accountId}`, plan: 'pro', mrr: 500, seats: SEATS, segment: 'smb' },
      }),
      on(185, { type: 'identify', traits: { email: `${users[0]}@example.com` } }),
      on(185, {
        type: 'track',
        event: 'Subscription Started',
        properties: { mrr: 500, currency: 'USD', plan: 'pro', seats: SEATS },
      }),
      on(180, { type: 'track', event: 'Signed In' }),
      on(170, { type: 'track', event: 'Survey Responded', properties: { survey: 'nps', score: 2 } }),
    ];
    // The red months: nobody signs in; a support ticket every ten days, resolved the next.
    const redUntil = recovered ? 65 : 35;
    for (let d = 175; d > redUntil; d -= 10) {
      calls.push(
        on(d, {
          type: 'track',
          event: 'Ticket Opened',
          properties: { ticket_id: `${accountId}-t${d}`, priority: 'P3' },
        }),
      );
      calls.push(
        on(d - 1, {
          type: 'track',
          event: 'Ticket Resolved',
          properties: { ticket_id: `${accountId}-t${d}`, priority: 'P3' },
        }),
      );
    }
    if (recovered) {
      // The green months: every user signs in every day, and the NPS answer is 10.
      for (let d = 60; d >= 0; d--)
        for (const userId of users)
          calls.push(on(d, { type: 'track', event: 'Signed In', userId }, d === 0 ? 0 : 10));
      calls.push(
        on(45, { type: 'track', event: 'Survey Responded', properties: { survey: 'nps', score: 10 } }),
      );
      calls.push(
        on(5, { type: 'track', event: 'Survey Responded', properties: { survey: 'nps', score: 10 } }),
      );
    } else {
      calls.push(
        on(40, { type: 'track', event: 'Survey Responded', properties: { survey: 'nps', score: 2 } }),
      );
      // Still in touch with support, and still nobody signs in.
      calls.push(on(20, { type: 'track', event: 'Email Replied', properties: {} }));
    }
    return calls.map((c, i) => ({ ...c, messageId: `${accountId}-${i}` }));
  }

  it('rebuilds the score history at event time and acts only on the present', async () => {
    const calls = [
      ...recovered.flatMap((id) => history(id, true)),
      ...stillRed.flatMap((id) => history(id, false)),
    ].sort((a, b) => ((a['timestamp'] as string) < (b['timestamp'] as string) ? -1 : 1));
    await importCalls(calls);

    // Each account's present is announced once its history has been quiet (a point of its own,
    // after the rebuilt ones); then every consumer catches up with what followed.
    for (const id of [...recovered, ...stillRed])
      await waitFor(
        async () =>
          (await historyOf(id)).points.some((p) => p.reason === 'backfill settled') ? true : undefined,
        { what: `the present state of ${id} to be announced after the import`, timeoutMs: 120_000 },
      );
    // The accounts still red get their "Adoption risk" run and its task (the present acts once);
    // then every consumer catches up with what followed.
    const runs = () => allPages<Run>(`${services.playbooks.url}/v1/playbook-runs`, token);
    const tasks = () => allPages<Task>(`${services.playbooks.url}/v1/tasks`, token);
    const adoption = playbookIds['Adoption risk']!;
    const expansion = playbookIds['Expansion']!;
    await waitFor(
      async () =>
        (await tasks()).filter((t) => t.playbookId === adoption).length >= STILL_RED ? true : undefined,
      { what: 'the tasks of the accounts still red', timeoutMs: 120_000 },
    );
    await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS);
    const accountsOf = (items: readonly { accountId: string }[]) => items.map((i) => i.accountId).sort();
    const allRuns = await runs();
    const allTasks = await tasks();
    // Only what holds at the end acts: a risk run and task for each account still red, an
    // expansion run and task for each account whose positive signal is open now; nothing else
    // (no onboarding from the subscriptions started six months ago).
    const signalled = (await allPages<Alert>(`${services.alerting.url}/v1/alerts`, token)).filter(
      (a) => a.positive && a.status === 'open',
    );
    expect(accountsOf(allRuns.filter((r) => r.playbookId === adoption))).toEqual([...stillRed].sort());
    expect(accountsOf(allTasks.filter((t) => t.playbookId === adoption))).toEqual([...stillRed].sort());
    expect(accountsOf(allRuns.filter((r) => r.playbookId === expansion))).toEqual(accountsOf(signalled));
    expect(accountsOf(allTasks.filter((t) => t.playbookId === expansion))).toEqual(accountsOf(signalled));
    expect(allRuns.filter((r) => r.playbookId !== adoption && r.playbookId !== expansion)).toEqual([]);
    expect(allTasks.filter((t) => t.playbookId !== adoption && t.playbookId !== expansion)).toEqual([]);
    for (const id of recovered.slice(0, 3)) {
      const decisions = await apiCall<Page<{ outcome: string; playbookId: string }>>(
        `${services.playbooks.url}/v1/trigger-decisions?accountId=${id}`,
        token,
      );
      expect(decisions.items.filter((d) => d.outcome === 'started' && d.playbookId === adoption)).toEqual([]);
    }

    const alerts = await allPages<Alert>(`${services.alerting.url}/v1/alerts`, token);
    // Nothing resolved, so no cooldown started; no risk alert for an account green at the end (its
    // promoter answer may raise the positive expansion signal, which holds at the end); and at
    // most one alert per account and rule.
    expect(alerts.filter((a) => a.status === 'resolved')).toEqual([]);
    expect(alerts.filter((a) => recovered.includes(a.accountId) && !a.positive)).toEqual([]);
    const pairs = alerts.map((a) => `${a.accountId}/${a.ruleType}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const id of stillRed) {
      const types = alerts.filter((a) => a.accountId === id).map((a) => a.ruleType);
      // Exactly one per rule that holds: red, no sign-in for 35+ days, a detractor.
      expect(types).toEqual(expect.arrayContaining(['score_below', 'inactivity', 'nps_detractor']));
      expect(new Set(types).size).toBe(types.length);
    }

    for (const id of [...recovered.slice(0, 3), stillRed[0]!]) {
      const view = await historyOf(id);
      const pastPoints = view.points.filter((p) => dayOf(p.at) > 0);
      // A point in each of the six months before today.
      for (let month = 0; month < 6; month++)
        expect(
          pastPoints.filter((p) => dayOf(p.at) > month * 30 && dayOf(p.at) <= (month + 1) * 30).length,
        ).toBeGreaterThan(0);
      // At event time: red while nobody signed in for months, green once everyone signs in daily.
      const between = (from: number, to: number) =>
        pastPoints.filter((p) => dayOf(p.at) <= from && dayOf(p.at) >= to);
      expect(between(150, 100).length).toBeGreaterThan(0);
      expect(between(150, 100).map((p) => p.band)).toEqual(between(150, 100).map(() => 'red'));
      if (recovered.includes(id)) {
        expect(between(20, 1).length).toBeGreaterThanOrEqual(20);
        expect(between(20, 1).map((p) => p.band)).toEqual(between(20, 1).map(() => 'green'));
      }
      expect(view.trend7d).not.toBeNull();
      expect(view.trend30d).not.toBeNull();
      // One point for the present, announced after the import, and no transient one before it.
      expect(view.points.filter((p) => !p.reason.startsWith('backfill (')).map((p) => p.reason)).toEqual([
        'backfill settled',
      ]);
    }

    const distribution = await apiCall<{
      points: { date: string; red: number; yellow: number; green: number }[];
    }>(
      `${services.reporting.url}/v1/reports/health-distribution?from=${ago(150).slice(0, 10)}&to=${ago(1).slice(0, 10)}`,
      token,
    );
    const at = (days: number) => distribution.points.find((p) => p.date === ago(days).slice(0, 10))!;
    expect(at(120).red).toBe(RECOVERED + STILL_RED);
    expect(at(10).green).toBe(RECOVERED);
    expect(at(10).red + at(10).yellow).toBe(STILL_RED);
  });

  it('rebuilds the days after a late event that were rebuilt before it, as the score stood then', async () => {
    const id = recovered[0]!;
    const byDay = (points: readonly Point[]) => {
      const days = new Map<number, Point[]>();
      for (const p of points.filter((q) => q.reason.startsWith('backfill ('))) {
        const list = days.get(dayOf(p.at)) ?? [];
        list.push(p);
        days.set(dayOf(p.at), list);
      }
      return days;
    };
    const before = byDay((await historyOf(id)).points);
    const alertsBefore = await allPages<Alert>(`${services.alerting.url}/v1/alerts`, token);
    // Already rebuilt: a point on each of the 25 days before the last one (daily sign-ins).
    for (let d = 25; d >= 6; d--) expect(before.get(d)?.length).toBe(1);

    // An NPS 0 answered 30 days ago, sent now: until the NPS 10 five days ago, the latest answer
    // was 0, so each day from 30 to 6 scores lower than it did.
    await importCalls([
      {
        type: 'track',
        messageId: `${id}-late-nps`,
        userId: `${id}-u0`,
        event: 'Survey Responded',
        properties: { survey: 'nps', score: 0 },
        timestamp: ago(30),
        context: { groupId: id },
      },
    ]);
    const after = await waitFor(
      async () => {
        const days = byDay((await historyOf(id)).points);
        return (days.get(6)?.[0]?.score ?? 0) < (before.get(6)?.[0]?.score ?? 0) ? days : undefined;
      },
      { what: 'the days after the late event to be rebuilt', timeoutMs: 120_000 },
    );
    for (let d = 25; d >= 6; d--) {
      // Still one point per day, now lower: the late answer counts from its day on.
      expect(after.get(d)?.length).toBe(1);
      expect(after.get(d)![0]!.score!).toBeLessThan(before.get(d)![0]!.score!);
    }
    // After the NPS 10 of five days ago, the late answer no longer counts.
    const scores = (points: readonly Point[] | undefined) => points?.map((p) => [p.at, p.score, p.band]);
    for (let d = 4; d >= 1; d--) expect(scores(after.get(d))).toEqual(scores(before.get(d)));
    // Before it, untouched.
    for (let d = 40; d > 30; d--) expect(after.get(d)).toEqual(before.get(d));

    // The past changed, the present did not: no alert for the late detractor answer. The account
    // was marked pending with its rebuilt days (one transaction); its present settles after.
    await waitFor(
      async () =>
        (await apiCall<{ pendingAccounts: number }>(`${services['health-scoring'].url}/v1/backfill`, token))
          .pendingAccounts === 0
          ? true
          : undefined,
      { what: 'the late import to settle', timeoutMs: 120_000 },
    );
    await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS);
    expect(await allPages<Alert>(`${services.alerting.url}/v1/alerts`, token)).toEqual(alertsBefore);
  }, 300_000);
});
