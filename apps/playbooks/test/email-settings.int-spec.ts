import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import {
  ApiClient,
  ALLOW_LOOPBACK_RECEIVERS,
  testCustomerEvent,
  useServiceUnderTest,
  waitFor,
  waitForRows,
} from '@tsuzuku/platform-testing';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { playbooksService } from '../src/service';
import { accountUpdated, alertEvent, asAny } from './signals';

interface Run {
  id: string;
  status: string;
  reason: string | null;
  steps: { stepId: string; state: string }[];
}

/**
 * Each workspace's SMTP server through the API, on the real Kafka and Postgres and a real SMTP
 * server on 127.0.0.1 that asks for a password: the email step sends through it, the password is
 * never answered, and with no server (the service has no SMTP_URL here) or a server that refuses,
 * the step and its run are `failed`, never "completed".
 */
describe('email settings per workspace', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const password = `smtp-pass-${randomUUID()}`;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: { to: string[]; user: string | undefined; raw: string }[] = [];
  const api: ApiClient = (method, path, body) => suite.api(method, path, body);
  const runsOf = async (accountId: string) =>
    (await api<{ items: Run[] }>('GET', `/v1/playbook-runs?accountId=${encodeURIComponent(accountId)}`)).body
      .items;

  /** An account with a contact email, and an inactivity alert on it: the playbook below starts. */
  const alertOn = async (accountId: string) => {
    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, accountId, { name: accountId })),
      asAny(
        testCustomerEvent(workspaceId, accountId, new Date().toISOString(), {
          call: 'group',
          groupId: accountId,
          event: undefined,
          traits: { name: accountId, contact_email: `${accountId}@customer.example` },
        }),
      ),
    ]);
    await waitForRows(
      suite.db,
      `SELECT 1 FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = $2
               AND profile_at IS NOT NULL AND group_contact_email IS NOT NULL`,
      [workspaceId, accountId],
      { what: `account ${accountId} with its contact email` },
    );
    await suite.publisher.publish([asAny(alertEvent('alert.raised', workspaceId, accountId, 'inactivity'))]);
  };
  const finished = (accountId: string) =>
    waitFor(
      async () => {
        const [run] = await runsOf(accountId);
        return run && run.status !== 'running' ? run : undefined;
      },
      { what: `the run of ${accountId} to finish` },
    );

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === password) callback(null, { user: auth.username });
        else callback(new Error('invalid credentials'));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('refused')) {
          const error = new Error('mailbox unavailable') as Error & { responseCode: number };
          error.responseCode = 550;
          callback(error);
        } else callback();
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  // No SMTP_URL: only the workspace's own settings can send.
  const suite = useServiceUnderTest(playbooksService, () => ({
    label: 'playbooks_email',
    workspaceId,
    env: {
      PLAYBOOK_TICK_MS: '200',
      PLAYBOOK_RETRY_BASE_MS: '100',
      PLAYBOOK_STEP_MAX_ATTEMPTS: '2',
      // The test's SMTP server is on loopback, which the production default refuses.
      ...ALLOW_LOOPBACK_RECEIVERS,
    },
    joins: PLAYBOOKS_SIGNALS_CONSUMER,
  }));
  beforeAll(async () => {
    expect(suite.service.config.SMTP_URL).toBeUndefined();
    const created = await api('POST', '/v1/playbooks', {
      name: 'Inactive: write to them',
      trigger: { type: 'alert_raised', ruleType: 'inactivity' },
      steps: [
        { id: 'hello', type: 'email', subject: 'We miss you, {{account.name}}', body: 'Hello again.' },
        { id: 'call', type: 'task', title: 'Call {{account.name}}' },
      ],
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('fails the email step and its run when the workspace has no SMTP server', async () => {
    expect((await api('GET', '/v1/email-settings')).status).toBe(404);
    await alertOn('acct-nosmtp');
    const run = await finished('acct-nosmtp');
    expect(run.status).toBe('failed');
    expect(run.reason).toMatch(/^step hello failed: could not send: no SMTP server/);
    expect(run.steps.map((s) => [s.stepId, s.state])).toEqual([
      ['hello', 'failed'],
      ['call', 'not_reached'],
    ]);
  });

  it('refuses invalid settings with each field path, in the body', async () => {
    const bad = await api<{ in: string; errors: { path: string }[] }>('PUT', '/v1/email-settings', {
      host: 'smtp example',
      port: 70000,
      from: 'nobody',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.in).toBe('body');
    expect(bad.body.errors.map((e) => e.path).sort()).toEqual(['from', 'host', 'port']);
  });

  it.each(['169.254.169.254', '10.1.2.3', '[fd00::25]', 'metadata.google.internal'])(
    'refuses an SMTP host outbound connections may not reach (%s), naming the field',
    async (host) => {
      const bad = await api<{ in: string; error: string; errors: { path: string; message: string }[] }>(
        'PUT',
        '/v1/email-settings',
        { host, port: 25, from: 'cs@vendor.example' },
      );
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: 'invalid_email_settings', in: 'body' });
      expect(bad.body.errors.map((e) => e.path)).toEqual(['host']);
    },
  );

  it('sends through the SMTP server set through the API, whose password is never answered', async () => {
    const put = await api<Record<string, unknown>>('PUT', '/v1/email-settings', {
      host: '127.0.0.1',
      port: smtpPort,
      from: 'Customer Success <cs@vendor.example>',
      username: 'mailer',
      password,
    });
    expect(put.status).toBe(200);
    const read = await api<Record<string, unknown>>('GET', '/v1/email-settings');
    for (const answer of [put.body, read.body]) {
      expect(answer).toMatchObject({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        from: 'Customer Success <cs@vendor.example>',
        username: 'mailer',
        passwordSet: true,
      });
      expect(JSON.stringify(answer)).not.toContain(password);
    }
    // A PUT without the password keeps it (it cannot be read back to send again).
    expect(
      (
        await api('PUT', '/v1/email-settings', {
          host: '127.0.0.1',
          port: smtpPort,
          from: 'Customer Success <cs@vendor.example>',
          username: 'mailer',
        })
      ).body,
    ).toMatchObject({ passwordSet: true });

    await alertOn('acct-mail');
    const mail = await waitFor(() => mails.find((m) => m.to.includes('acct-mail@customer.example')), {
      what: 'the email through the workspace SMTP server',
    });
    expect(mail.user).toBe('mailer');
    expect(mail.raw).toContain('Subject: We miss you, acct-mail');
    expect(mail.raw).toContain('From: Customer Success <cs@vendor.example>');
    const run = await finished('acct-mail');
    expect(run.status).toBe('completed');
    expect(run.steps.map((s) => [s.stepId, s.state])).toEqual([
      ['hello', 'succeeded'],
      ['call', 'succeeded'],
    ]);
  });

  it('fails the step and the run when the SMTP server refuses the message', async () => {
    await alertOn('refused-acct');
    const run = await finished('refused-acct');
    expect(run.status).toBe('failed');
    expect(run.reason).toBe('step hello failed: could not send: the SMTP server refused it (550)');
    expect(run.steps[0]).toMatchObject({ stepId: 'hello', state: 'failed' });
  });

  it('deletes the settings with 204 and no body', async () => {
    expect(await api('DELETE', '/v1/email-settings')).toEqual({ status: 204, body: null });
    expect((await api('GET', '/v1/email-settings')).status).toBe(404);
    expect((await api('DELETE', '/v1/email-settings')).status).toBe(404);
  });
});
