import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { AlertEventData, Topic } from '@tsuzuku/contracts';
import {
  ALLOW_LOOPBACK_RECEIVERS,
  TopicReader,
  useServiceUnderTest,
  waitFor,
} from '@tsuzuku/platform-testing';
import { ALERTING_ACCOUNTS_CONSUMER } from '../src/consumer-groups';
import { alertingService } from '../src/service';
import { accountUpdated, redAccount } from './factories';

const DAY_MS = 86_400_000;
const PUBLIC_API_BASE_URL = 'https://cs.example.com/api';

interface Alert {
  readonly id: string;
  readonly accountId: string;
  readonly ruleId: string;
  readonly ruleType: string;
}
interface Received {
  readonly path: string;
  readonly body: string;
}

/**
 * Targeting and content of alerts through the public API, Kafka and Postgres: rules with a
 * grace period for new accounts, channels that select a rule by id or a segment, and what a
 * webhook, a Slack-compatible receiver (a real loopback HTTP server) is told about the account.
 */
describe('alert targeting, grace period and notification content', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  let reader: TopicReader;
  const got: Received[] = [];
  let server: ReturnType<typeof createServer>;
  let receiverUrl = '';

  const api = async <T = unknown>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${suite.service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${suite.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const alertsOf = async (accountId: string) =>
    (await api<{ items: Alert[] }>('GET', `/v1/alerts?accountId=${accountId}&limit=200`)).body.items;
  const rules = async () => {
    const answer = (await api<unknown>('GET', '/v1/alert-rules')).body;
    return (Array.isArray(answer) ? answer : (answer as { items: unknown[] }).items) as {
      id: string;
      type: string;
      name: string;
      graceDays: number;
    }[];
  };
  const deliveredTo = (path: string) => got.filter((r) => r.path === path).map((r) => JSON.parse(r.body));
  const createRule = async (body: Record<string, unknown>) => {
    const created = await api<{ id: string; graceDays: number }>('POST', '/v1/alert-rules', {
      type: 'score_below',
      severity: 'high',
      params: { threshold: 40, onRedBand: true },
      ...body,
    });
    expect(created.status).toBe(201);
    return created.body;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  const suite = useServiceUnderTest(
    alertingService,
    () => ({
      label: 'alerting_targeting',
      workspaceId,
      env: {
        DELIVERY_POLL_MS: '100',
        PUBLIC_API_BASE_URL,
        ...ALLOW_LOOPBACK_RECEIVERS,
      },
      joins: ALERTING_ACCOUNTS_CONSUMER,
    }),
    90_000,
  );
  beforeAll(async () => {
    reader = await new TopicReader(process.env['KAFKA_BROKERS']!.split(',')).start([Topic.Alerts]);
  }, 90_000);

  afterAll(async () => {
    await reader?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('gives new accounts the grace period of each rule: 14 days by default, none when a rule says 0', async () => {
    const defaults = await rules();
    expect(defaults.length).toBeGreaterThan(0);
    for (const rule of defaults) expect(rule.graceDays).toBe(14);
    const dayZero = await createRule({
      name: 'Day-zero watch',
      graceDays: 0,
      scope: { segments: ['grace'] },
    });
    expect(dayZero.graceDays).toBe(0);
    const refused = await api<{ errors: { path: string }[] }>('POST', '/v1/alert-rules', {
      name: 'x',
      type: 'inactivity',
      severity: 'high',
      params: { days: 3 },
      graceDays: -1,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.path)).toEqual(['graceDays']);

    const now = new Date();
    const firstSeen = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
    await suite.publisher.publish([
      // Five seconds old, red: only the rule without a grace period may speak.
      accountUpdated(
        workspaceId,
        'acct-newborn',
        redAccount(now, { segment: 'grace', firstSeenAt: firstSeen(5 / 86_400) }),
      ),
      // Thirteen days old: still inside the default 14.
      accountUpdated(
        workspaceId,
        'acct-13d',
        redAccount(now, { segment: 'grace', firstSeenAt: firstSeen(13) }),
      ),
      // Fifteen days old: past it.
      accountUpdated(
        workspaceId,
        'acct-15d',
        redAccount(now, { segment: 'grace', firstSeenAt: firstSeen(15) }),
      ),
    ]);

    // Every rule is judged on the same snapshot in one transaction: once the day-zero rule's
    // alert is there, the default rules have had their say on that account.
    for (const account of ['acct-newborn', 'acct-13d'])
      await waitFor(async () => (await alertsOf(account)).find((a) => a.ruleId === dayZero.id), {
        what: `the day-zero alert of ${account}`,
        timeoutMs: 20_000,
      });
    expect((await alertsOf('acct-newborn')).map((a) => a.ruleId)).toEqual([dayZero.id]);
    expect((await alertsOf('acct-13d')).map((a) => a.ruleId)).toEqual([dayZero.id]);
    const redRule = defaults.find((r) => r.type === 'score_below')!;
    const older = await waitFor(
      async () => {
        const alerts = await alertsOf('acct-15d');
        return alerts.some((a) => a.ruleId === redRule.id) && alerts.some((a) => a.ruleId === dayZero.id)
          ? alerts
          : undefined;
      },
      { what: 'the default and day-zero alerts of the 15-day-old account', timeoutMs: 20_000 },
    );
    expect(older.map((a) => a.ruleId)).toEqual(expect.arrayContaining([redRule.id, dayZero.id]));
  }, 60_000);

  it('sends a custom rule only to the channel that names it, a segment only to its channel, with the account in every message', async () => {
    const redRule = (await rules()).find((r) => r.type === 'score_below' && r.name === 'Health turned red')!;
    const custom = await createRule({
      name: 'Enterprise at risk',
      severity: 'critical',
      graceDays: 0,
      scope: { segments: ['Enterprise'] },
    });

    const unknownRule = randomUUID();
    const refused = await api<{ error: string; errors: { path: string; message: string }[] }>(
      'POST',
      '/v1/notification-channels',
      { name: 'x', kind: 'webhook', url: `${receiverUrl}/x`, filters: { ruleIds: [custom.id, unknownRule] } },
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'invalid_channel',
      errors: [{ path: 'filters.ruleIds.1', message: `no alert rule ${unknownRule} in this workspace` }],
    });

    const channel = async (name: string, kind: 'webhook' | 'slack', filters: Record<string, unknown>) => {
      const created = await api<{ id: string; filters: Record<string, unknown> }>(
        'POST',
        '/v1/notification-channels',
        { name, kind, url: `${receiverUrl}/${name}`, filters },
      );
      expect(created.status).toBe(201);
      return created.body;
    };
    await channel('by-type', 'webhook', { ruleTypes: ['score_below'] });
    const byId = await channel('by-id', 'webhook', { ruleIds: [custom.id] });
    expect(byId.filters).toMatchObject({ ruleIds: [custom.id], segments: [], ruleTypes: [] });
    await channel('enterprise-slack', 'slack', { segments: ['ENTERPRISE'], minSeverity: 'high' });

    const now = new Date();
    const old = new Date(now.getTime() - 100 * DAY_MS).toISOString();
    await suite.publisher.publish([
      accountUpdated(
        workspaceId,
        'acct-big',
        redAccount(now, {
          name: 'Big Co',
          segment: 'Enterprise',
          mrr: 5250,
          renewalDate: '2027-01-31',
          owner: 'owner@example.com',
          firstSeenAt: old,
        }),
      ),
      accountUpdated(
        workspaceId,
        'acct-small',
        redAccount(now, { name: 'Small Co', segment: 'smb', firstSeenAt: old }),
      ),
    ]);

    const bigAlerts = await waitFor(
      async () => {
        const alerts = await alertsOf('acct-big');
        return alerts.some((a) => a.ruleId === custom.id) && alerts.some((a) => a.ruleId === redRule.id)
          ? alerts
          : undefined;
      },
      { what: 'the default and custom alerts of the enterprise account', timeoutMs: 20_000 },
    );
    const customAlert = bigAlerts.find((a) => a.ruleId === custom.id)!;
    const defaultAlert = bigAlerts.find((a) => a.ruleId === redRule.id)!;
    const smallAlert = await waitFor(
      async () => (await alertsOf('acct-small')).find((a) => a.ruleId === redRule.id),
      { what: 'the default alert of the smb account', timeoutMs: 20_000 },
    );

    // Markers: the by-type channel hears of both accounts' default alerts, the by-id channel
    // and the enterprise Slack of the custom one.
    await waitFor(
      () => {
        const ids = deliveredTo('/by-type').map((b: { alert: { id: string } }) => b.alert.id);
        return ids.includes(defaultAlert.id) && ids.includes(smallAlert.id) ? true : undefined;
      },
      { what: 'the by-type webhook of both default alerts', timeoutMs: 20_000 },
    );
    await waitFor(() => deliveredTo('/by-id').length > 0 || undefined, { what: 'the by-id webhook' });
    await waitFor(
      () =>
        got.some((r) => r.path === '/enterprise-slack' && r.body.includes('Enterprise at risk')) || undefined,
      { what: 'the enterprise slack message of the custom rule' },
    );

    // The custom rule went to the channel that names it, not also to the score_below channel.
    const byTypeAlerts = deliveredTo('/by-type').map((b: { alert: { id: string } }) => b.alert.id);
    expect(byTypeAlerts).not.toContain(customAlert.id);
    expect(deliveredTo('/by-id').map((b: { alert: { id: string } }) => b.alert.id)).toEqual([customAlert.id]);
    // The Slack channel of the enterprise segment heard nothing of the smb account.
    const slack = got
      .filter((r) => r.path === '/enterprise-slack')
      .map((r) => JSON.parse(r.body) as { text: string });
    expect(slack.length).toBeGreaterThan(0);
    for (const message of slack) expect(message.text).toContain('Big Co (acct-big)');

    // The webhook names the alert as REST does and carries the account.
    const hook = deliveredTo('/by-id')[0] as Record<string, unknown> & { alert: Record<string, unknown> };
    expect(hook.alert).not.toHaveProperty('alertId');
    const rest = (await api<Record<string, unknown>>('GET', `/v1/alerts/${customAlert.id}`)).body;
    expect(hook.alert['id']).toBe(rest['id']);
    expect(hook).toMatchObject({
      type: 'alert.raised',
      workspaceId,
      accountId: 'acct-big',
      account: {
        id: 'acct-big',
        name: 'Big Co',
        mrr: 5250,
        renewalDate: '2027-01-31',
        owner: 'owner@example.com',
        segment: 'Enterprise',
        url: `${PUBLIC_API_BASE_URL}/v1/accounts/acct-big`,
      },
      alert: { ruleId: custom.id, ruleName: 'Enterprise at risk', owner: 'owner@example.com' },
    });
    // The text names the account, its MRR, renewal and owner, and links to it; the blocks name the rule.
    const customSlack = JSON.parse(
      got.find((r) => r.path === '/enterprise-slack' && r.body.includes('Enterprise at risk'))!.body,
    ) as { text: string };
    expect(customSlack.text.split('\n')).toEqual([
      expect.stringMatching(/^\[CRITICAL\] .* — Big Co \(acct-big\)$/),
      'MRR: 5,250; renewal: 2027-01-31; owner: owner@example.com',
      `Account: ${PUBLIC_API_BASE_URL}/v1/accounts/acct-big`,
    ]);

    // cs.alerts.v1 carries what playbooks select by: the rule id and the account's segment.
    const [message] = await reader.waitForMessages(
      (m) => (JSON.parse(m.value!) as { data: AlertEventData }).data.alertId === customAlert.id,
    );
    expect((JSON.parse(message!.value!) as { data: AlertEventData }).data).toMatchObject({
      ruleId: custom.id,
      segment: 'Enterprise',
    });
    expect(got.every((r) => r.path !== '/x')).toBe(true);
  }, 90_000);
});
