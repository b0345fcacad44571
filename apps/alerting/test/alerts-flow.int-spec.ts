import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';
import {
  ALERT_RULE_TYPES,
  AlertEventData,
  Topic,
  WEBHOOK_SIGNATURE_HEADER,
  verifyWebhook,
} from '@tsuzuku/contracts';
import {
  ALLOW_LOOPBACK_RECEIVERS,
  BuiltService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  createWorkspaceWithCli,
  dormantAccountCalls,
  postSegment,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

const DAY_MS = 86_400_000;
const CSM = 'csm@example.com';
const ACCOUNT = 'acct-dormant';

interface Alert {
  readonly id: string;
  readonly ruleType: string;
  readonly status: string;
  readonly owner: string | null;
  readonly occurrences: number;
  readonly evidence: Record<string, unknown>;
  readonly resolution: { kind: string; reason: string; note: string | null } | null;
  readonly history?: { change: string; toStatus: string; actor: string | null; note: string | null }[];
}
interface Received {
  readonly path: string;
  readonly body: string;
  readonly signature: string | undefined;
}

/** Starts a local HTTP receiver; `fail` decides, per request, to answer 500. */
async function receiver(
  fail: (n: number) => boolean,
): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n += 1;
      if (fail(n)) {
        res.writeHead(500).end('down for maintenance');
        return;
      }
      got.push({
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        signature: req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

/**
 * As a customer would run it: a workspace from the CLI, events through ingestion's /v1/import,
 * health from health-scoring, and alerts, their lifecycle and notifications from alerting, with a
 * real webhook receiver and a real SMTP server.
 */
describe('alerts through the public APIs', () => {
  let db: TestDatabase;
  let ingestion: BuiltService;
  let scoring: BuiltService;
  let alerting: BuiltService;
  let writeKey: string;
  let token: string;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let flaky: Awaited<ReturnType<typeof receiver>>;
  let smtp: SMTPServer;
  let reader: TopicReader;
  const mails: { to: string; data: string }[] = [];

  const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
  const send = async (batch: unknown[]) =>
    expect(await postSegment(ingestion.url, writeKey, '/v1/import', { batch })).toContain('"success":true');
  const call = (base: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  const api = (path: string, init: RequestInit = {}) => call(alerting.url, path, init);
  const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
  const alertsOf = async (query: string): Promise<Alert[]> =>
    ((await (await api(`/v1/alerts?accountId=${ACCOUNT}&${query}`)).json()) as { items: Alert[] }).items;

  beforeAll(async () => {
    db = await createTestDatabase('alerting_flow');
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), data });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    hooks = await receiver(() => false);
    // Down for its first three requests, then up.
    flaky = await receiver((n) => n <= 3);
    const env = {
      DATABASE_URL: db.url,
      TSUZUKU_ADMIN_TOKEN: 'alerting-flow-admin-token-0123',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      DELIVERY_BACKOFF_BASE_MS: '200',
      DELIVERY_POLL_MS: '100',
      ALERT_SWEEP_INTERVAL_MS: '1000',
      ...ALLOW_LOOPBACK_RECEIVERS,
      // Imported history: the present state is announced a second after it is quiet.
      BACKFILL_SETTLE_MS: '1000',
    };
    // Three built services on a loaded machine: give each start its time.
    [ingestion, scoring, alerting] = await Promise.all([
      startBuiltService('ingestion', env, 180_000),
      startBuiltService('health-scoring', env, 180_000),
      startBuiltService('alerting', env, 180_000),
    ]);
    ({ writeKey, token } = await createWorkspaceWithCli('acme', env, [alerting.url, scoring.url]));
    reader = await new TopicReader(process.env['KAFKA_BROKERS']!.split(',')).start([Topic.Alerts]);
  }, 240_000);

  afterAll(async () => {
    await reader?.stop();
    await Promise.all([ingestion?.stop(), scoring?.stop(), alerting?.stop()]);
    await new Promise((resolve) => hooks?.server.close(resolve));
    await new Promise((resolve) => flaky?.server.close(resolve));
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await db?.drop();
  });

  it('raises, repeats, notifies and auto-resolves the alerts of a dormant account', async () => {
    // The workspace starts with one default rule per type.
    const rules = ((await (await api('/v1/alert-rules')).json()) as { items: { id: string; type: string }[] })
      .items;
    expect(rules.map((r) => r.type).sort()).toEqual([...ALERT_RULE_TYPES].sort());
    const invalid = await post('/v1/alert-rules', {
      name: '',
      type: 'inactivity',
      severity: 'loud',
      params: { days: 0 },
    });
    expect(invalid.status).toBe(400);
    const problems = ((await invalid.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(problems.sort()).toEqual(['name', 'params.days', 'severity']);

    const webhook = await post('/v1/notification-channels', {
      name: 'ops webhook',
      kind: 'webhook',
      url: `${hooks.url}/hook`,
    });
    expect(webhook.status).toBe(201);
    const { secret, id: webhookId } = (await webhook.json()) as { secret: string; id: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = JSON.stringify(await (await api('/v1/notification-channels')).json());
    expect(listed).not.toContain(secret);
    const slack = await post('/v1/notification-channels', {
      name: 'cs slack',
      kind: 'slack',
      url: `${hooks.url}/slack/T000/B000/XXXXXXXX`,
      filters: { ruleTypes: ['score_below'] },
    });
    expect(((await slack.json()) as { url: string }).url).toBe(`${hooks.url}/••••`);
    const badChannel = await post('/v1/notification-channels', {
      name: 'x',
      kind: 'webhook',
      filters: { minSeverity: 'loud' },
    });
    expect(badChannel.status).toBe(400);
    const badPaths = ((await badChannel.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(badPaths).toEqual(expect.arrayContaining(['url', 'filters.minSeverity']));
    const flakyChannel = (await (
      await post('/v1/notification-channels', {
        name: 'flaky webhook',
        kind: 'webhook',
        url: `${flaky.url}/hook`,
        filters: { ruleTypes: ['inactivity'] },
      })
    ).json()) as { id: string };
    expect(
      (
        await post('/v1/notification-channels', {
          name: 'csm mail',
          kind: 'email',
          recipients: [CSM],
          filters: { minSeverity: 'high', owners: [CSM] },
        })
      ).status,
    ).toBe(201);

    await send(dormantAccountCalls(ACCOUNT, ago, 10, { csm_email: CSM }));

    const raised = await waitFor(
      async () => {
        const open = await alertsOf('status=open');
        const types = new Set(open.map((a) => a.ruleType));
        return types.has('inactivity') && types.has('score_below') && types.has('ticket_spike')
          ? open
          : undefined;
      },
      { what: 'inactivity, score_below and ticket_spike alerts', timeoutMs: 30_000 },
    );
    const byType = (type: string) => raised.find((a) => a.ruleType === type)!;
    for (const alert of raised) expect(alert.owner).toBe(CSM);
    expect(byType('inactivity').evidence).toMatchObject({ daysSinceLastSignIn: 40 });
    expect(byType('nps_detractor')?.evidence).toMatchObject({ latestNps: 2 });

    // On cs.alerts.v1 through the outbox, as the rows say.
    const messages = await reader.waitForMessages(
      (m) => (JSON.parse(m.value!) as { data: AlertEventData }).data.alertId === byType('inactivity').id,
    );
    expect(JSON.parse(messages[0]!.value!)).toMatchObject({
      type: 'alert.raised',
      data: { owner: CSM, status: 'open' },
    });

    // The same trigger again (another P1 ticket) is one more occurrence of the same alert.
    await send([
      {
        type: 'track',
        userId: 'd-1',
        event: 'Ticket Opened',
        properties: { ticket_id: 'T-9', priority: 'P1' },
        timestamp: ago(0.01),
        context: { groupId: ACCOUNT },
      },
    ]);
    const repeated = await waitFor(
      async () => {
        const spikes = await alertsOf('ruleType=ticket_spike');
        return spikes.length === 1 && spikes[0]!.occurrences > 1 ? spikes[0] : undefined;
      },
      { what: 'the ticket_spike alert to repeat', timeoutMs: 20_000 },
    );
    expect(repeated.id).toBe(byType('ticket_spike').id);
    expect(repeated.evidence).toMatchObject({ p1Opened: 2 });

    // The webhook is signed with the channel's secret.
    const hook = await waitFor(
      () => hooks.got.find((r) => r.path === '/hook' && r.body.includes(byType('inactivity').id)),
      { what: 'the webhook of the inactivity alert' },
    );
    expect(verifyWebhook(hook.body, hook.signature, secret)).toMatchObject({ ok: true });
    expect(verifyWebhook(hook.body, hook.signature, 'whsec_not-the-secret-at-all')).toMatchObject({
      ok: false,
    });
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'alert.raised',
      accountId: ACCOUNT,
      alert: { ruleType: 'inactivity' },
    });

    // A receiver that is down at first gets it after retries.
    const retried = await waitFor(
      async () => {
        const page = (await (
          await api(`/v1/notification-deliveries?channelId=${flakyChannel.id}`)
        ).json()) as {
          items: { status: string; attempts: number; lastError: string | null }[];
        };
        return page.items.find((d) => d.status === 'delivered');
      },
      { what: 'the flaky receiver to get its delivery', timeoutMs: 20_000 },
    );
    expect(retried.attempts).toBeGreaterThanOrEqual(4);
    expect(flaky.got.some((r) => r.body.includes(byType('inactivity').id))).toBe(true);

    // An email reaches the SMTP server (high severity, owned by the CSM).
    const mail = await waitFor(() => mails.find((m) => m.data.includes(ACCOUNT) && m.to === CSM), {
      what: 'an alert email',
    });
    expect(mail.data).toContain('owner: csm@example.com');

    // Slack gets text and blocks, unsigned.
    const slackBody = await waitFor(() => hooks.got.find((r) => r.path.startsWith('/slack/')), {
      what: 'the slack message',
    });
    expect(slackBody.signature).toBeUndefined();
    expect(JSON.parse(slackBody.body)).toMatchObject({
      text: expect.stringContaining(ACCOUNT),
      blocks: expect.any(Array),
    });

    // During a rotation both the new and the previous secret sign.
    const rotated = await post(`/v1/notification-channels/${webhookId}/rotate-secret`, {
      previousValidForMinutes: 10,
    });
    expect(rotated.status).toBe(200);
    const newSecret = ((await rotated.json()) as { secret: string }).secret;
    expect(newSecret).not.toBe(secret);

    // A fresh sign-in clears inactivity; an override lifts the score out of the red.
    await send([
      {
        type: 'track',
        userId: 'd-0',
        event: 'Signed In',
        timestamp: ago(0.01),
        context: { groupId: ACCOUNT },
      },
    ]);
    // (Retried: one run saw a 404 from health-scoring here, not reproduced since; the answer is kept.)
    let overrideAnswer = '';
    await waitFor(
      async () => {
        const override = await call(scoring.url, `/v1/accounts/${ACCOUNT}/health/override`, {
          method: 'POST',
          body: JSON.stringify({ score: 85, reason: 'champion re-engaged' }),
        });
        overrideAnswer = `${override.status} ${await override.text()}`;
        return override.status === 200 || undefined;
      },
      { what: 'health-scoring to take the override', timeoutMs: 10_000, intervalMs: 500 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${overrideAnswer}`);
    });
    const resolved = await waitFor(
      async () => {
        const done = await alertsOf('status=resolved');
        const types = new Set(done.map((a) => a.ruleType));
        return types.has('inactivity') && types.has('score_below') ? done : undefined;
      },
      { what: 'inactivity and score_below to resolve', timeoutMs: 30_000 },
    );
    const inactivity = resolved.find((a) => a.ruleType === 'inactivity')!;
    expect(inactivity.id).toBe(byType('inactivity').id);
    expect(inactivity.resolution).toMatchObject({ kind: 'auto' });
    expect(inactivity.resolution!.reason).toContain('condition cleared');
    const detail = (await (await api(`/v1/alerts/${inactivity.id}`)).json()) as Alert;
    expect(detail.history!.map((h) => h.change)).toEqual(['raised', 'resolved']);
    const resolvedHook = await waitFor(
      () =>
        hooks.got.find(
          (r) => r.path === '/hook' && r.body.includes('"alert.resolved"') && r.body.includes(inactivity.id),
        ),
      { what: 'the webhook of the resolution' },
    );
    expect(verifyWebhook(resolvedHook.body, resolvedHook.signature, newSecret)).toMatchObject({ ok: true });
    expect(verifyWebhook(resolvedHook.body, resolvedHook.signature, secret)).toMatchObject({ ok: true });
    const channel = (await (await api(`/v1/notification-channels/${webhookId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(channel['secret']).toBeUndefined();
  }, 120_000);

  it('lets a person acknowledge, snooze and resolve an alert, each change in its history', async () => {
    const [nps] = await alertsOf('ruleType=nps_detractor&status=open');
    expect(nps).toBeDefined();
    const badSnooze = await post(`/v1/alerts/${nps!.id}/snooze`, { until: '2001-01-01T00:00:00Z' });
    expect(badSnooze.status).toBe(400);
    expect(JSON.stringify(await badSnooze.json())).toContain('until');
    expect((await post(`/v1/alerts/${nps!.id}/acknowledge`, {})).status).toBe(200);
    const snoozed = await post(`/v1/alerts/${nps!.id}/snooze`, {
      until: new Date(Date.now() + DAY_MS).toISOString(),
    });
    expect(((await snoozed.json()) as Alert).status).toBe('snoozed');
    const resolved = (await (
      await post(`/v1/alerts/${nps!.id}/resolve`, { note: 'called them' })
    ).json()) as Alert;
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolution).toMatchObject({ kind: 'manual', note: 'called them' });
    expect(resolved.history!.map((h) => h.change)).toEqual(['raised', 'acknowledged', 'snoozed', 'resolved']);
    expect(resolved.history![3]!.note).toBe('called them');
    expect((await post(`/v1/alerts/${nps!.id}/resolve`, { note: 'again' })).status).toBe(409);
    // The cooldown holds back a new alert although the NPS answer is still a detractor's: putting
    // the rule back unchanged re-evaluates the workspace's accounts before it answers.
    const rules = ((await (await api('/v1/alert-rules')).json()) as { items: Record<string, unknown>[] })
      .items;
    const { name, type, params, severity, scope, enabled, cooldownMinutes, id } = rules.find(
      (r) => r['type'] === 'nps_detractor',
    )!;
    const put = await api(`/v1/alert-rules/${String(id)}`, {
      method: 'PUT',
      body: JSON.stringify({ name, type, params, severity, scope, enabled, cooldownMinutes }),
    });
    expect(put.status).toBe(200);
    expect(await alertsOf('ruleType=nps_detractor&status=open,acknowledged,snoozed')).toEqual([]);
    const other = await api('/v1/alerts/00000000-0000-4000-8000-000000000000');
    expect(other.status).toBe(404);
  });
});
