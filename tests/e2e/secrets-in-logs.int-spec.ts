import { randomBytes } from 'node:crypto';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  ALLOW_LOOPBACK_RECEIVERS,
  BuiltService,
  TestDatabase,
  createTestDatabase,
  createWorkspaceWithCli,
  startBuiltService,
  testAccountUpdated,
  waitFor,
  waitForRows,
} from '@tsuzuku/platform-testing';

const ACCOUNT = 'acct-secrets';

/** A secret nobody could guess, with characters that URL encoding and base64 change. */
const secret = (label: string) => `${label}-${randomBytes(18).toString('base64')}`;

/** Every form a secret may take on its way into a log line. */
function formsOf(value: string): string[] {
  const forms = [
    value,
    encodeURIComponent(value),
    encodeURIComponent(encodeURIComponent(value)),
    Buffer.from(value).toString('base64'),
    Buffer.from(`${value}:`).toString('base64'),
  ];
  return [...new Set(forms)];
}

/** An HTTP receiver that answers 500 to everything, and counts what it got. */
async function failingReceiver(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '');
      res.writeHead(500).end('down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** A port on which nothing listens: connections to it are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Issue 14: no secret in any log. The services run as processes at LOG_LEVEL=debug; the test
 * creates every kind of secret they hold, makes them fail on purpose (inserts refused by the
 * database, receivers that answer 500 or refuse the connection, wrong credentials), checks that
 * each failure was logged, and then that no secret, in any encoding, is anywhere in the output.
 */
describe('no secret in any log', () => {
  let db: TestDatabase;
  let ingestion: BuiltService;
  let alerting: BuiltService;
  let playbooks: BuiltService;
  let receiver: Awaited<ReturnType<typeof failingReceiver>>;
  let connection: KafkaConnection;
  let publisher: EventPublisher;
  let workspaceId: string;
  let token: string;
  /** Every secret the test made or was given, by what it is. */
  const secrets = new Map<string, string>();
  const remember = (what: string, value: string) => {
    secrets.set(what, value);
    return value;
  };
  const output = () => [ingestion, alerting, playbooks].map((s) => s.output()).join('\n');
  const logged = (what: string, test: (line: string) => boolean) =>
    waitFor(() => output().split('\n').find(test), { what: `a log line about ${what}`, timeoutMs: 30_000 });

  const call = (base: string, path: string, init: RequestInit & { bearer?: string } = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${init.bearer ?? token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  const post = (base: string, path: string, body: unknown) =>
    call(base, path, { method: 'POST', body: JSON.stringify(body) });

  const adminToken = remember('admin token', secret('admin-token'));
  const smtpPassword = remember('SMTP password', secret('smtp-pass'));

  beforeAll(async () => {
    db = await createTestDatabase('e2e_secrets');
    receiver = await failingReceiver();
    const env = {
      ...ALLOW_LOOPBACK_RECEIVERS,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'debug',
      TSUZUKU_ADMIN_TOKEN: adminToken,
      SMTP_URL: `smtp://mailer:${encodeURIComponent(smtpPassword)}@127.0.0.1:${await refusedPort()}`,
      DELIVERY_POLL_MS: '100',
      DELIVERY_BACKOFF_BASE_MS: '100',
      DELIVERY_MAX_ATTEMPTS: '2',
      DELIVERY_TIMEOUT_MS: '2000',
      PLAYBOOK_TICK_MS: '200',
      PLAYBOOK_RETRY_BASE_MS: '100',
      PLAYBOOK_STEP_MAX_ATTEMPTS: '2',
      PLAYBOOK_HTTP_TIMEOUT_MS: '2000',
    };
    [ingestion, alerting, playbooks] = await Promise.all([
      // Three services starting at once on a busy machine: more time than one alone needs.
      startBuiltService('ingestion', env, 120_000),
      startBuiltService('alerting', env, 120_000),
      startBuiltService('playbooks', env, 120_000),
    ]);
    const workspace = await createWorkspaceWithCli('secrets', env, [alerting.url, playbooks.url]);
    ({ workspaceId, token } = workspace);
    remember('CLI write key', workspace.writeKey);
    remember('CLI API token', token);
    connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS']! }),
      'secrets-in-logs-test',
    );
    publisher = new EventPublisher(connection);
  }, 180_000);

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await Promise.all([ingestion?.stop(), alerting?.stop(), playbooks?.stop()]);
    await new Promise((resolve) => receiver?.server.close(resolve));
    await db?.drop();
  });

  it('logs the failures, with none of the secrets', async () => {
    // Credentials from the admin API, used, and wrong ones refused.
    const issued = async (path: string, body: unknown) => {
      const response = await call(ingestion.url, `/admin/workspaces/${workspaceId}/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        bearer: adminToken,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { secret: string }).secret;
    };
    const writeKey = remember('admin write key', await issued('write-keys', { source: 'web' }));
    remember('admin API token', await issued('api-tokens', { name: 'ops', scopes: ['read'] }));
    const track = (key: string) =>
      fetch(`${ingestion.url}/v1/track`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        },
        body: JSON.stringify({ userId: 'u1', event: 'Signed In' }),
      });
    expect(
      (await waitFor(async () => ((await track(writeKey)).status === 200 ? 200 : undefined))) as number,
    ).toBe(200);
    const wrongWriteKey = remember('wrong write key', `tzk_wk_${randomBytes(16).toString('hex')}`);
    expect((await track(wrongWriteKey)).status).toBe(401);
    const wrongAdmin = remember('wrong admin token', secret('not-the-admin-token'));
    expect((await call(ingestion.url, '/admin/workspaces', { bearer: wrongAdmin })).status).toBe(401);
    const wrongToken = remember('wrong API token', `tzk_at_${randomBytes(16).toString('hex')}`);
    expect((await call(alerting.url, '/v1/alert-rules', { bearer: wrongToken })).status).toBe(401);
    // A token put where it does not belong: in the query string, a parameter the API does not
    // take, so refused (400) — and logged, like every request, without it.
    expect(
      (await call(alerting.url, `/v1/alert-rules?access_token=${encodeURIComponent(token)}`)).status,
    ).toBe(400);

    // Notification channels, each with its own secrets, all bound to fail.
    const refused = await refusedPort();
    const channel = async (body: Record<string, unknown>) => {
      const response = await post(alerting.url, '/v1/notification-channels', body);
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; secret?: string };
    };
    const urlPassword = remember('webhook URL password', secret('url-pass'));
    const urlToken = remember('webhook URL token', secret('url-token'));
    await channel({
      name: 'credentials in the URL',
      kind: 'webhook',
      url: `http://hooks:${encodeURIComponent(urlPassword)}@127.0.0.1:${refused}/hook`,
      secret: remember('webhook signing secret', secret('whsec-given')),
    });
    const answering500 = await channel({
      name: 'token in the query',
      kind: 'webhook',
      url: `${receiver.url}/hook?token=${encodeURIComponent(urlToken)}`,
    });
    remember('generated webhook secret', answering500.secret!);
    const rotated = await post(
      alerting.url,
      `/v1/notification-channels/${answering500.id}/rotate-secret`,
      {},
    );
    expect(rotated.status).toBe(200);
    remember('rotated webhook secret', ((await rotated.json()) as { secret: string }).secret);
    const slackPath = remember('Slack URL path', randomBytes(18).toString('hex'));
    await channel({ name: 'slack', kind: 'slack', url: `${receiver.url}/services/T0/B0/${slackPath}` });
    await channel({ name: 'mail', kind: 'email', recipients: ['csm@example.com'] });

    // A refused INSERT of a channel: the database's error carries the whole row.
    await db.query(
      `ALTER TABLE alerting.channels ADD CONSTRAINT secrets_fault_channels CHECK (false) NOT VALID`,
    );
    const faultSecret = remember('signing secret of a refused channel', secret('whsec-refused'));
    const faultToken = remember('URL token of a refused channel', secret('refused-token'));
    const refusedInsert = await post(alerting.url, '/v1/notification-channels', {
      name: 'refused by the database',
      kind: 'webhook',
      url: `${receiver.url}/refused?token=${encodeURIComponent(faultToken)}`,
      secret: faultSecret,
    });
    expect(refusedInsert.status).toBe(500);
    await db.query(`ALTER TABLE alerting.channels DROP CONSTRAINT secrets_fault_channels`);
    // Logged with what helps (SQL text, code, constraint), without the values.
    await logged(
      'the refused channel insert',
      (l) =>
        l.includes('"constraint":"secrets_fault_channels"') && l.includes('INSERT INTO alerting.channels'),
    );

    // Playbooks whose outgoing steps carry secrets and fail.
    const playbook = async (name: string, step: Record<string, unknown>) => {
      const response = await post(playbooks.url, '/v1/playbooks', {
        name,
        trigger: { type: 'alert_raised', ruleType: 'nps_detractor' },
        steps: [step],
      });
      expect(response.status).toBe(201);
    };
    const stepPassword = remember('webhook step URL password', secret('step-pass'));
    await playbook('credentials in the step URL', {
      id: 'hook-credentials',
      type: 'webhook',
      url: `http://steps:${encodeURIComponent(stepPassword)}@127.0.0.1:${refused}/step`,
      secrets: [remember('webhook step secret', secret('step-secret'))],
    });
    const stepToken = remember('webhook step URL token', secret('step-token'));
    await playbook('token in the step URL', {
      id: 'hook-token',
      type: 'webhook',
      url: `${receiver.url}/step?token=${encodeURIComponent(stepToken)}`,
      secrets: [remember('second webhook step secret', secret('step-secret-2'))],
    });
    const notifyToken = remember('notify URL token', secret('notify-token'));
    await playbook('notify a closed port', {
      id: 'notify-refused',
      type: 'notify',
      url: `http://127.0.0.1:${refused}/notify?token=${encodeURIComponent(notifyToken)}`,
      text: 'NPS detractor',
    });
    await db.query(
      `ALTER TABLE playbooks.playbooks ADD CONSTRAINT secrets_fault_playbooks CHECK (false) NOT VALID`,
    );
    const refusedPlaybook = await post(playbooks.url, '/v1/playbooks', {
      name: 'refused by the database',
      trigger: { type: 'alert_raised', ruleType: 'nps_detractor' },
      steps: [
        {
          id: 'hook',
          type: 'webhook',
          url: `${receiver.url}/refused-step`,
          secrets: [remember('step secret of a refused playbook', secret('refused-step-secret'))],
        },
      ],
    });
    expect(refusedPlaybook.status).toBe(500);
    await db.query(`ALTER TABLE playbooks.playbooks DROP CONSTRAINT secrets_fault_playbooks`);
    await logged(
      'the refused playbook insert',
      (l) =>
        l.includes('"constraint":"secrets_fault_playbooks"') && l.includes('INSERT INTO playbooks.playbooks'),
    );

    // A detractor: alerting raises an alert, notifies every channel, and playbooks run the steps.
    const profile = (latestNps: number) =>
      testAccountUpdated(workspaceId, ACCOUNT, {
        name: 'Secrets Ltd',
        mrr: 500,
        owner: 'csm@example.com',
        touchModel: 'high',
        health: { score: 60, band: 'yellow', computedScore: 60 },
        signals: { latestNps },
      });
    // First a profile that raises nothing, so that playbooks knows the account before the alert.
    await publisher.publish([profile(9)]);
    await waitForRows(
      db,
      'SELECT 1 FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = $2',
      [workspaceId, ACCOUNT],
      { what: 'playbooks to know the account', timeoutMs: 30_000 },
    );
    await publisher.publish([profile(2)]);

    const deliveries = await waitFor(
      async () => {
        const page = (await (await call(alerting.url, '/v1/notification-deliveries')).json()) as {
          items: { status: string }[];
        };
        return page.items.length >= 4 && page.items.every((d) => d.status === 'failed')
          ? page.items
          : undefined;
      },
      { what: 'the deliveries to every channel to fail', timeoutMs: 60_000 },
    );
    expect(deliveries.length).toBeGreaterThanOrEqual(4);
    expect(receiver.hits.some((path) => path.startsWith('/hook?token='))).toBe(true);
    expect(receiver.hits.some((path) => path.startsWith('/services/T0/B0/'))).toBe(true);
    const runs = await waitFor(
      async () => {
        const page = (await (
          await call(playbooks.url, `/v1/playbook-runs?accountId=${ACCOUNT}&status=failed`)
        ).json()) as { items: { playbookName: string }[] };
        return page.items.length === 3 ? page.items : undefined;
      },
      { what: 'the three playbook runs to fail', timeoutMs: 60_000 },
    );
    expect(runs.map((r) => r.playbookName).sort()).toEqual(
      ['credentials in the step URL', 'notify a closed port', 'token in the step URL'].sort(),
    );
    expect(receiver.hits.some((path) => path.startsWith('/step?token='))).toBe(true);

    // The failures are in the logs (so this test sees what it searches) ...
    for (const [what, test] of [
      ['401 answers', (l: string) => l.includes('"statusCode":401')],
      ['a delivery answered 500', (l: string) => /delivery \S+ attempt \d+ failed.*answered 500/.test(l)],
      [
        'an email delivery (SMTP refused)',
        (l: string) => /delivery \S+ attempt \d+ failed.*email failed/.test(l),
      ],
      [
        'a delivery to a URL with credentials',
        // The guarded client sends it to its (closed) port: the failure is ours to word.
        (l: string) => /delivery \S+ attempt \d+ failed.*connection refused/.test(l),
      ],
      ['a webhook step answered 500', (l: string) => l.includes('step hook-token attempt 1 failed')],
      [
        'a webhook step with credentials',
        (l: string) => l.includes('step hook-credentials attempt 1 failed'),
      ],
      ['a failed notify step', (l: string) => l.includes('step notify-refused attempt 1 failed')],
      ['a request with a query string', (l: string) => l.includes('/v1/alert-rules?')],
    ] as const)
      await logged(what, test);

    // ... and no secret is, in any of its forms, up to the last line they write when stopped.
    await Promise.all([ingestion.stop(), alerting.stop(), playbooks.stop()]);
    const everything = output();
    const leaks = [...secrets].flatMap(([what, value]) =>
      formsOf(value)
        .filter((form) => everything.includes(form))
        .map((form) => `${what}: ${form}`),
    );
    expect(leaks).toEqual([]);
    expect(secrets.size).toBeGreaterThanOrEqual(20);
  }, 240_000);
});
