import { randomUUID } from 'node:crypto';
import {
  TestAccountOverrides,
  testAccountUpdated,
  testEnvelope,
  useServiceUnderTest,
  waitFor,
} from '@tsuzuku/platform-testing';
import { alertingService } from '../src/service';
import { ALERTING_ACCOUNTS_CONSUMER } from '../src/consumer-groups';

const DAY_MS = 86_400_000;

interface AlertRow {
  id: string;
  rule_type: string;
  status: string;
  occurrences: number;
}

/**
 * The engine on the Kafka path: account.updated envelopes published straight to cs.accounts.v1,
 * alerts read back from the alerting schema and the API.
 */
describe('alerting engine: Kafka in, alerts out', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;

  const healthAt = (score: number) => ({
    score,
    band: score < 40 ? ('red' as const) : score < 70 ? ('yellow' as const) : ('green' as const),
    computedScore: score,
    coverage: 1,
    scorecardId: null,
    override: null,
  });
  const updated = (accountId: string, o: Omit<TestAccountOverrides, 'health'> & { score?: number } = {}) => {
    const { score, ...account } = o;
    return testAccountUpdated(workspaceId, accountId, {
      seats: 50,
      ...account,
      health: healthAt(score ?? 80),
    });
  };
  const changed = (accountId: string, score: number) =>
    testEnvelope(
      'account.health.changed',
      workspaceId,
      accountId,
      { previous: null, current: healthAt(score), reason: 'test', movers: [] },
      new Date().toISOString(),
    );
  const alertsOf = (accountId: string) =>
    suite.db.query<AlertRow>(
      `SELECT id, rule_type, status, occurrences FROM alerting.alerts WHERE workspace_id = $1 AND account_id = $2 ORDER BY opened_at`,
      [workspaceId, accountId],
    );
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${suite.service.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${suite.token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });

  const suite = useServiceUnderTest(
    alertingService,
    () => ({
      label: 'alerting_engine',
      workspaceId,
      env: {
        ALERT_SWEEP_INTERVAL_MS: '300',
        CONSUMER_RETRY_BASE_MS: '20',
      },
      joins: ALERTING_ACCOUNTS_CONSUMER,
    }),
    60_000,
  );

  it('documents its API in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${suite.service.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/alerts',
        '/v1/alerts/{id}',
        '/v1/alerts/{id}/acknowledge',
        '/v1/alerts/{id}/snooze',
        '/v1/alerts/{id}/resolve',
        '/v1/alert-rules',
        '/v1/alert-rules/{id}',
        '/v1/alert-settings',
        '/v1/notification-channels',
        '/v1/notification-channels/{id}',
        '/v1/notification-channels/{id}/rotate-secret',
        '/v1/notification-deliveries',
      ]),
    );
    expect((await fetch(`${suite.service.url}/v1/alerts`)).status).toBe(401);
  });

  it('takes a redelivered envelope once', async () => {
    const envelope = updated('acct-redelivered', { signals: { latestNps: 3 } });
    await suite.publisher.publish([envelope]);
    await waitFor(async () => (await alertsOf('acct-redelivered')).length === 1 || undefined, {
      what: 'the nps_detractor alert',
    });
    await suite.publisher.publish([envelope, envelope]);
    // A later message on the same partition proves the duplicates were read before it.
    await suite.publisher.publish([
      updated('acct-redelivered', { signals: { latestNps: 3 }, owner: 'later@example.com' }),
    ]);
    await waitFor(
      async () =>
        (
          await suite.db.query(
            `SELECT 1 FROM alerting.accounts WHERE account_id = 'acct-redelivered' AND snapshot->>'owner' = 'later@example.com'`,
          )
        ).length === 1 || undefined,
      { what: 'the later snapshot' },
    );
    const alerts = await alertsOf('acct-redelivered');
    expect(alerts.map((a) => [a.rule_type, a.occurrences])).toEqual([['nps_detractor', 1]]);
    const history = await suite.db.query(
      `SELECT change FROM alerting.alert_history WHERE alert_id = $1 ORDER BY id`,
      [alerts[0]!.id],
    );
    // One raise (the duplicates changed nothing); the marker gave the account a new owner, who
    // takes the open alert.
    expect(history).toEqual([{ change: 'raised' }, { change: 'reassigned' }]);
    const [owned] = await suite.db.query(`SELECT owner FROM alerting.alerts WHERE id = $1`, [alerts[0]!.id]);
    expect(owned).toEqual({ owner: 'later@example.com' });
  });

  it('applies an event repeated inside one batch once: one score point, one raise', async () => {
    const before = changed('acct-twice', 90);
    // A point is kept per instant: the drop comes a second later, as it would (built in the same
    // millisecond, the two would be one point and this test would wait in vain).
    const after = {
      ...changed('acct-twice', 50),
      occurredAt: new Date(Date.parse(before.occurredAt) + 1_000).toISOString(),
    };
    const profile = updated('acct-twice', { score: 90 });
    await suite.publisher.publish([before, before, profile, profile]);
    await waitFor(
      async () =>
        (await suite.db.query(`SELECT 1 FROM alerting.score_points WHERE account_id = 'acct-twice'`))
          .length === 1 || undefined,
      { what: 'the first score point', timeoutMs: 45_000 },
    );
    const drop = updated('acct-twice', { score: 50 });
    // One send per topic, one record batch each: the copies reach the consumer in one run.
    await suite.publisher.publish([after, after, after, drop, drop]);
    const [alert] = await waitFor(
      async () => {
        const alerts = (await alertsOf('acct-twice')).filter((a) => a.rule_type === 'score_drop');
        return alerts.length > 0 ? alerts : undefined;
      },
      { what: 'the score_drop alert', timeoutMs: 45_000 },
    );
    expect(alert!.occurrences).toBe(1);
    // cs.health.v1 and cs.accounts.v1 are read apart: the second point may land after the alert.
    const points = await waitFor(
      async () => {
        const rows = await suite.db.query<{ score: number }>(
          `SELECT score::float AS score FROM alerting.score_points WHERE workspace_id = $1 AND account_id = 'acct-twice' ORDER BY at`,
          [workspaceId],
        );
        return rows.length >= 2 ? rows : undefined;
      },
      { what: 'the second score point', timeoutMs: 45_000 },
    );
    expect(points.map((p) => p.score)).toEqual([90, 50]);
    const history = await suite.db.query<{ change: string }>(
      `SELECT change FROM alerting.alert_history WHERE alert_id = $1 ORDER BY id`,
      [alert!.id],
    );
    expect(history.map((h) => h.change)).toEqual(['raised']);
    const claimed = await suite.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alerting.inbox WHERE event_id = ANY($1::text[])`,
      [[before.id, after.id, profile.id, drop.id]],
    );
    expect(claimed[0]!.n).toBe(4);
  });

  it('acts on no past state: a backfill message raises, resolves and cools down nothing, and is not the snapshot', async () => {
    const past = new Date(Date.now() - 90 * DAY_MS).toISOString();
    // A red, silent, detractor past, as a backfill rebuilds it.
    await suite.publisher.publish([
      { ...changed('acct-past', 20), data: { ...changed('acct-past', 20).data, asOf: past, backfill: true } },
      {
        ...updated('acct-past', { score: 20, signals: { latestNps: 2, lastSignInAt: null } }),
        data: {
          ...updated('acct-past', { score: 20, signals: { latestNps: 2, lastSignInAt: null } }).data,
          asOf: past,
          backfill: true,
        },
      },
    ]);
    // The present, green, after it on the same partition: the past was read before it.
    await suite.publisher.publish([updated('acct-past', { score: 85 })]);
    await waitFor(
      async () =>
        (await suite.db.query(`SELECT 1 FROM alerting.accounts WHERE account_id = 'acct-past'`)).length ===
          1 || undefined,
      { what: "the present's snapshot" },
    );
    expect(await alertsOf('acct-past')).toEqual([]);
    // The past's score joined the history at the time it stands for.
    const points = await suite.db.query<{ at: Date; score: string }>(
      `SELECT at, score FROM alerting.score_points WHERE workspace_id = $1 AND account_id = 'acct-past'`,
      [workspaceId],
    );
    expect(points.map((p) => [p.at.toISOString(), Number(p.score)])).toEqual([[past, 20]]);
  });

  it('raises inactivity on the timer, with no message about it', async () => {
    // 30 days without a sign-in are reached two seconds after the only message.
    await suite.publisher.publish([
      updated('acct-quiet', {
        signals: { lastSignInAt: new Date(Date.now() - 30 * DAY_MS + 2000).toISOString() },
      }),
    ]);
    await waitFor(
      async () =>
        (await suite.db.query(`SELECT 1 FROM alerting.accounts WHERE account_id = 'acct-quiet'`)).length ===
          1 || undefined,
      {
        what: 'the snapshot',
      },
    );
    expect(await alertsOf('acct-quiet')).toEqual([]);
    const [alert] = await waitFor(
      async () => {
        const alerts = await alertsOf('acct-quiet');
        return alerts.length > 0 ? alerts : undefined;
      },
      { what: 'the sweep to raise inactivity', timeoutMs: 10_000 },
    );
    expect(alert).toMatchObject({ rule_type: 'inactivity', status: 'open' });
    const [entry] = await suite.db.query<{ detail: { trigger?: string } }>(
      `SELECT detail FROM alerting.alert_history WHERE alert_id = $1`,
      [alert!.id],
    );
    expect(entry!.detail.trigger).toBe('sweep');
  });

  it('reopens a snoozed alert when the snooze runs out, and raises score_drop from the score history', async () => {
    // The score history comes from cs.health.v1; the rules run on the snapshots of cs.accounts.v1.
    await suite.publisher.publish([changed('acct-drop', 90), updated('acct-drop', { score: 90 })]);
    await waitFor(
      async () =>
        (await suite.db.query(`SELECT 1 FROM alerting.score_points WHERE account_id = 'acct-drop'`))
          .length === 1 || undefined,
      { what: 'the first score point' },
    );
    await suite.publisher.publish([changed('acct-drop', 50), updated('acct-drop', { score: 50 })]);
    const [drop] = await waitFor(
      async () => {
        const alerts = (await alertsOf('acct-drop')).filter((a) => a.rule_type === 'score_drop');
        return alerts.length > 0 ? alerts : undefined;
      },
      { what: 'the score_drop alert' },
    );
    const snoozed = await api(`/v1/alerts/${drop!.id}/snooze`, {
      method: 'POST',
      body: JSON.stringify({ until: new Date(Date.now() + 1500).toISOString() }),
    });
    expect(snoozed.status).toBe(200);
    await waitFor(
      async () =>
        (await alertsOf('acct-drop')).find((a) => a.id === drop!.id)?.status === 'open' ? true : undefined,
      {
        what: 'the snooze to run out',
        timeoutMs: 10_000,
      },
    );
    const changes = await suite.db.query<{ change: string }>(
      `SELECT change FROM alerting.alert_history WHERE alert_id = $1 ORDER BY id`,
      [drop!.id],
    );
    expect(changes.map((c) => c.change)).toEqual(['raised', 'snoozed', 'reopened']);
  });

  it('watches only the accounts in a rule scope', async () => {
    const created = await api('/v1/alert-rules', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Enterprise NPS',
        type: 'nps_detractor',
        severity: 'critical',
        params: { maxScore: 8 },
        scope: { segments: ['enterprise'] },
      }),
    });
    expect(created.status).toBe(201);
    const rule = (await created.json()) as { id: string };
    await suite.publisher.publish([
      updated('acct-smb', { signals: { latestNps: 8 } }),
      updated('acct-ent', { segment: 'enterprise', signals: { latestNps: 8 } }),
    ]);
    await waitFor(async () => ((await alertsOf('acct-ent')).length > 0 ? true : undefined), {
      what: 'the enterprise alert',
    });
    const ruleIds = async (account: string) =>
      (
        await suite.db.query<{ rule_id: string }>(
          `SELECT rule_id FROM alerting.alerts WHERE account_id = $1`,
          [account],
        )
      ).map((r) => r.rule_id);
    expect(await ruleIds('acct-ent')).toContain(rule.id);
    expect(await ruleIds('acct-smb')).not.toContain(rule.id);
    // Deleting the rule resolves what it raised.
    expect((await api(`/v1/alert-rules/${rule.id}`, { method: 'DELETE' })).status).toBe(204);
    const [after] = await suite.db.query<{ status: string; resolution: { reason: string } }>(
      `SELECT status, resolution FROM alerting.alerts WHERE rule_id = $1`,
      [rule.id],
    );
    expect(after).toMatchObject({ status: 'resolved', resolution: { reason: 'the rule no longer exists' } });
  });
  it("closes a churned account's alerts as account_churned, raises none after, and watches it again once reactivated", async () => {
    interface AlertView {
      ruleType: string;
      status: string;
      resolution: { kind: string; reason: string } | null;
    }
    const alertsApi = async (accountId: string) =>
      ((await (await api(`/v1/alerts?accountId=${accountId}`)).json()) as { items: AlertView[] }).items;
    const dormant = { lastSignInAt: new Date(Date.now() - 40 * DAY_MS).toISOString() };
    await suite.publisher.publish([updated('acct-churned', { signals: dormant })]);
    await waitFor(
      async () =>
        (await alertsApi('acct-churned')).some((a) => a.ruleType === 'inactivity' && a.status === 'open') ||
        undefined,
      { what: 'the inactivity alert' },
    );

    // Subscription Cancelled: health-scoring publishes MRR 0.
    await suite.publisher.publish([updated('acct-churned', { mrr: 0, signals: dormant })]);
    const closed = await waitFor(
      async () => {
        const alerts = await alertsApi('acct-churned');
        return alerts.every((a) => a.status === 'resolved') ? alerts : undefined;
      },
      { what: "the churned account's alerts to close" },
    );
    expect(closed.map((a) => [a.ruleType, a.resolution?.reason])).toEqual([
      ['inactivity', 'account_churned'],
    ]);

    // Further inactivity: an account the sweep alone alerts on proves the sweep looked at both since.
    await suite.publisher.publish([
      updated('acct-churn-marker', {
        signals: { lastSignInAt: new Date(Date.now() - 30 * DAY_MS + 2000).toISOString() },
      }),
    ]);
    await waitFor(async () => (await alertsOf('acct-churn-marker')).length > 0 || undefined, {
      what: 'the sweep to alert on the marker account',
      timeoutMs: 15_000,
    });
    expect((await alertsApi('acct-churned')).filter((a) => a.status !== 'resolved')).toEqual([]);

    // A new subscription: the account is watched again, with no cooldown left by the churn.
    await suite.publisher.publish([updated('acct-churned', { mrr: 300, signals: dormant })]);
    await waitFor(
      async () =>
        (await alertsApi('acct-churned')).some((a) => a.ruleType === 'inactivity' && a.status === 'open') ||
        undefined,
      { what: 'inactivity raised again after reactivation' },
    );
  });
});
