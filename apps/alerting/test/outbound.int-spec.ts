import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { DENIED_OUTBOUND_SCHEMES, DENIED_OUTBOUND_TARGETS } from '@tsuzuku/platform-runtime';
import {
  ALLOW_LOOPBACK_RECEIVERS,
  ServiceUnderTest,
  apiClient,
  startServiceUnderTest,
  testAccountUpdated,
  waitFor,
} from '@tsuzuku/platform-testing';
import { AlertingConfig } from '../src/config/alerting.config';
import { ALERTING_ACCOUNTS_CONSUMER } from '../src/consumer-groups';
import { alertingService } from '../src/service';

interface Delivery {
  readonly channelId: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastStatusCode: number | null;
}

const RECEIVER_SECRET = 'db_password=hunter2; only-for-internal-eyes';

/** An account.updated whose NPS of 2 raises the default nps_detractor alert. */
const detractor = (workspaceId: string, accountId: string) =>
  testAccountUpdated(workspaceId, accountId, { signals: { latestNps: 2 } });

/** A receiver on 127.0.0.1 that records the paths it was asked for; `answer` decides the rest. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(req.url ?? '');
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One alerting service on its own database, with an API token of a fresh workspace. */
function alertingWith(env: Record<string, string>) {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  let suite: ServiceUnderTest<AlertingConfig>;
  const ctx = {
    workspaceId,
    get db() {
      return suite.db;
    },
    get publisher() {
      return suite.publisher;
    },
    api: apiClient(
      () => suite.service.url,
      () => suite.token,
    ),
    async deliveryOf(channelId: string, done: (d: Delivery) => boolean): Promise<Delivery> {
      return waitFor(
        async () => {
          const page = await ctx.api<{ items: Delivery[] }>(
            'GET',
            `/v1/notification-deliveries?channelId=${channelId}`,
          );
          return page.body.items.find(done);
        },
        { what: `a delivery of channel ${channelId}`, timeoutMs: 20_000 },
      );
    },
  };
  beforeAll(async () => {
    suite = await startServiceUnderTest(alertingService, {
      label: 'alerting_outbound',
      workspaceId,
      env: {
        DELIVERY_POLL_MS: '100',
        DELIVERY_BACKOFF_BASE_MS: '100',
        DELIVERY_MAX_ATTEMPTS: '2',
        DELIVERY_TIMEOUT_MS: '3000',
        ...env,
      },
      joins: ALERTING_ACCOUNTS_CONSUMER,
    });
  }, 60_000);
  afterAll(() => suite?.close());
  return ctx;
}

describe('alerting outbound URLs with the production default', () => {
  const ctx = alertingWith({});

  it('refuses every internal target when a channel is created or replaced, naming the url field', async () => {
    const accepted: string[] = [];
    for (const url of [...DENIED_OUTBOUND_TARGETS.map((t) => t.url), ...DENIED_OUTBOUND_SCHEMES])
      for (const kind of ['webhook', 'slack']) {
        const answer = await ctx.api<{ errors?: { path: string; message: string }[] }>(
          'POST',
          '/v1/notification-channels',
          { name: 'internal', kind, url },
        );
        if (answer.status !== 400 || !answer.body.errors?.some((e) => e.path === 'url'))
          accepted.push(`${kind} ${url} → ${answer.status}`);
      }
    expect(accepted).toEqual([]);

    const created = await ctx.api<{ id: string }>('POST', '/v1/notification-channels', {
      name: 'public',
      kind: 'webhook',
      url: 'https://hooks.example.com/in',
    });
    expect(created.status).toBe(201);
    const replaced = await ctx.api<{ error: string; errors: { path: string; message: string }[] }>(
      'PUT',
      `/v1/notification-channels/${created.body.id}`,
      { name: 'public', kind: 'webhook', url: 'http://metadata.google.internal/computeMetadata/v1/' },
    );
    expect(replaced.status).toBe(400);
    expect(replaced.body).toMatchObject({
      error: 'invalid_channel',
      errors: [
        {
          path: 'url',
          message: 'host metadata.google.internal is a cloud metadata service and is not allowed',
        },
      ],
    });
    expect(await ctx.db.query(`SELECT url FROM alerting.channels WHERE name = 'internal'`)).toEqual([]);
    const [kept] = await ctx.db.query<{ url: string }>('SELECT url FROM alerting.channels WHERE id = $1', [
      created.body.id,
    ]);
    expect(kept!.url).toBe('https://hooks.example.com/in');
  });

  it('refuses at send time a URL stored before the check, and loopback, without reaching it', async () => {
    const local = await receiver((_req, res) => res.writeHead(204).end());
    try {
      const ids: Record<string, string> = {};
      for (const name of ['metadata', 'loopback']) {
        const created = await ctx.api<{ id: string }>('POST', '/v1/notification-channels', {
          name,
          kind: 'webhook',
          url: `https://hooks.example.com/${name}`,
        });
        ids[name] = created.body.id;
      }
      // As rows written before the check existed.
      await ctx.db.query(`UPDATE alerting.channels SET url = $2 WHERE id = $1`, [
        ids['metadata'],
        'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      ]);
      await ctx.db.query(`UPDATE alerting.channels SET url = $2 WHERE id = $1`, [
        ids['loopback'],
        `${local.url}/hook`,
      ]);
      await ctx.db.query(`UPDATE alerting.channels SET enabled = false WHERE id <> ALL($1::uuid[])`, [
        Object.values(ids),
      ]);
      await ctx.publisher.publish([detractor(ctx.workspaceId, 'acct-send-time')]);

      const metadata = await ctx.deliveryOf(ids['metadata']!, (d) => d.status === 'failed');
      expect(metadata).toMatchObject({
        lastError: 'address 169.254.169.254 is not allowed (link-local)',
        lastStatusCode: null,
      });
      const loopback = await ctx.deliveryOf(ids['loopback']!, (d) => d.status === 'failed');
      expect(loopback.lastError).toBe('address 127.0.0.1 is not allowed (loopback)');
      expect(local.paths).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('alerting outbound with loopback allowed (local receivers)', () => {
  const ctx = alertingWith({ ...ALLOW_LOOPBACK_RECEIVERS });

  it("records the status and a reason in our words, never the receiver's body, and follows no redirect", async () => {
    const local = await receiver((req, res) => {
      if (req.url?.startsWith('/broken')) return res.writeHead(500).end(RECEIVER_SECRET);
      if (req.url?.startsWith('/moved'))
        return res.writeHead(302, { location: '/target' }).end(RECEIVER_SECRET);
      res.writeHead(204).end();
    });
    try {
      const channel = async (name: string, url: string) =>
        (
          await ctx.api<{ id: string; url: string }>('POST', '/v1/notification-channels', {
            name,
            kind: 'webhook',
            url,
          })
        ).body;
      const broken = await channel('broken', `${local.url}/broken`);
      const moved = await channel('moved', `${local.url}/moved`);
      const tokened = await channel(
        'tokened',
        `http://hook-user:hook-pass@127.0.0.1:${new URL(local.url).port}/ok?token=tok-4242&v=1`,
      );

      // Credentials and query values never come back; sent back as read, the URL is kept.
      expect(tokened.url).toBe(`http://••••@127.0.0.1:${new URL(local.url).port}/ok?token=••••&v=••••`);
      const listed = JSON.stringify((await ctx.api('GET', '/v1/notification-channels')).body);
      for (const secret of ['hook-pass', 'tok-4242']) expect(listed).not.toContain(secret);
      const resent = await ctx.api('PUT', `/v1/notification-channels/${tokened.id}`, {
        name: 'tokened again',
        kind: 'webhook',
        url: tokened.url,
      });
      expect(resent.status).toBe(200);
      const [stored] = await ctx.db.query<{ url: string }>(
        'SELECT url FROM alerting.channels WHERE id = $1',
        [tokened.id],
      );
      expect(stored!.url).toContain('token=tok-4242');

      await ctx.publisher.publish([detractor(ctx.workspaceId, 'acct-receivers')]);
      const failed = await ctx.deliveryOf(broken.id, (d) => d.status === 'failed');
      expect(failed).toMatchObject({ attempts: 2, lastError: 'receiver answered 500', lastStatusCode: 500 });
      const redirected = await ctx.deliveryOf(moved.id, (d) => d.status === 'failed');
      expect(redirected).toMatchObject({
        lastError: 'receiver answered 302 (redirects are not followed)',
        lastStatusCode: 302,
      });
      await ctx.deliveryOf(tokened.id, (d) => d.status === 'delivered');
      expect(local.paths).toContain('/ok?token=tok-4242&v=1');
      expect(local.paths).not.toContain('/target');
      const page = JSON.stringify((await ctx.api('GET', '/v1/notification-deliveries')).body);
      expect(page).not.toContain('hunter2');
      expect(page).not.toContain('internal-eyes');
    } finally {
      await local.close();
    }
  });
});
