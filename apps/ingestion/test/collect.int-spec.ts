import { randomUUID } from 'node:crypto';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import RudderAnalytics = require('@rudderstack/rudder-sdk-node');
import { EventEnvelope, Header, Topic } from '@tsuzuku/contracts';
import { ReadMessage, TopicReader, waitFor } from '@tsuzuku/platform-testing';
import { startTelemetry, stopTelemetry } from '@tsuzuku/platform-telemetry';
import {
  RunningIngestion,
  Workspace,
  createWorkspace,
  post,
  startIngestion,
  ADMIN_TOKEN,
  basic,
  readPastMarkers,
} from './ingestion-harness';

type Envelope = EventEnvelope<
  string,
  {
    messageId: string;
    event?: string;
    call: string;
    userId: string | null;
    properties: Record<string, unknown>;
  }
>;

const brokers = () => process.env['KAFKA_BROKERS']!.split(',');
const parse = (m: ReadMessage) => JSON.parse(m.value!) as Envelope;

describe('ingestion: the Segment-compatible API', () => {
  let ingestion: RunningIngestion;
  let ws: Workspace;
  let events: TopicReader;
  let refused: TopicReader;

  const eventsOf = (workspaceId: string) =>
    events.messages.filter((m) => parse(m).workspaceId === workspaceId);
  const byMessageId = (messageId: string) =>
    events.messages.filter((m) => parse(m).data.messageId === messageId);
  /**
   * Waits for `count` calls of a user on cs.events.v1, then reads past markers sent behind them:
   * what arrived, and the user's calls once a repeat on its way would have arrived too.
   */
  const callsOfUser = async (user: string, count: number, what: string) => {
    const arrived = await waitFor(
      () => {
        const mine = eventsOf(ws.id).filter((m) => parse(m).data.userId === user);
        return mine.length >= count ? mine : undefined;
      },
      { what },
    );
    const markers = await readPastMarkers(ingestion.service.url, ws.writeKey, events, arrived);
    const mine = eventsOf(ws.id).filter(
      (m) => parse(m).data.userId === user && !markers.has(parse(m).data.messageId),
    );
    return { arrived, mine };
  };
  /** Posts one call with the workspace's write key and expects it accepted. */
  const expectAccepted = async (path: string, body: Record<string, unknown>) =>
    expect((await post(ingestion.service.url, path, body, { writeKey: ws.writeKey })).status).toBe(200);

  beforeAll(async () => {
    // As main.ts does, so requests get server spans and events carry their trace context.
    startTelemetry('ingestion-test');
    ingestion = await startIngestion();
    events = await new TopicReader(brokers()).start([Topic.Events]);
    refused = await new TopicReader(brokers()).start([Topic.EventsDlq]);
    ws = await createWorkspace(ingestion.service.url, 'acme');
  });

  afterAll(async () => {
    await events?.stop();
    await refused?.stop();
    await ingestion?.close();
    await stopTelemetry();
  });

  it('takes the unmodified Segment SDK: each call arrives once, keyed by its account, with its fields', async () => {
    const user = `u-${randomUUID()}`;
    // The group call first, as an app does when a user joins: it tells the account of the calls after it.
    const joining = new SegmentAnalytics({
      writeKey: ws.writeKey,
      host: ingestion.service.url,
      maxRetries: 3,
    });
    joining.group({
      userId: user,
      groupId: 'acc-segment',
      traits: { name: 'Segment Co', plan: 'pro', mrr: 500, seats: 10 },
    });
    await joining.closeAndFlush({ timeout: 20_000 });
    const analytics = new SegmentAnalytics({
      writeKey: ws.writeKey,
      host: ingestion.service.url,
      flushAt: 4,
      maxRetries: 3,
    });
    analytics.identify({ userId: user, traits: { email: 'ann@example.com' } });
    analytics.track({ userId: user, event: 'Signed In', properties: { method: 'sso' } });
    analytics.page({ userId: user, name: 'Dashboard' });
    analytics.track({ userId: user, event: 'Survey Responded', properties: { survey: 'nps', score: 9 } });
    await analytics.closeAndFlush({ timeout: 20_000 });

    // No sixth (a repeat) on its way: markers sent behind them arrive first.
    const { arrived, mine } = await callsOfUser(user, 5, 'the five Segment calls on cs.events.v1');
    expect(mine).toHaveLength(5);
    expect(new Set(mine.map((m) => parse(m).data.messageId)).size).toBe(5);
    for (const m of arrived) {
      expect(m.key).toBe(`${ws.id}:acc-segment`);
      expect(parse(m).accountId).toBe('acc-segment');
      expect(parse(m).type).toBe('customer.event.recorded');
      // The envelope is the whole message: the headers carry the trace context at most.
      expect(Object.keys(m.headers).filter((h) => h !== Header.TraceParent)).toEqual([]);
    }
    const signedIn = mine.map(parse).find((e) => e.data.event === 'Signed In')!;
    expect(signedIn.data.properties).toEqual({ method: 'sso' });
    expect(signedIn.data.call).toBe('track');
  });

  it('takes the unmodified RudderStack SDK (gzip bodies)', async () => {
    const client = new RudderAnalytics(ws.writeKey, {
      dataPlaneUrl: ingestion.service.url,
      flushAt: 3,
      flushInterval: 200,
    });
    const user = `r-${randomUUID()}`;
    client.track({ userId: user, event: 'Signed In', context: { groupId: 'acc-rudder' } });
    client.identify({ userId: user, traits: { name: 'Ruth' } });
    client.page({ userId: user, name: 'Settings', context: { groupId: 'acc-rudder' } });
    await client.flush();
    const { mine } = await callsOfUser(user, 3, 'the three RudderStack calls');
    expect(mine).toHaveLength(3);
    const track = mine.map(parse).find((e) => e.data.call === 'track')!;
    expect(track.accountId).toBe('acc-rudder');
  });

  it('resolves the account from the user’s latest group; without one, keys by the user and still publishes', async () => {
    const user = `m-${randomUUID()}`;
    const stranger = `s-${randomUUID()}`;
    await expectAccepted('/v1/group', { userId: user, groupId: 'acc-1' });
    await expectAccepted('/v1/track', { userId: user, event: 'Meeting Held' });
    await expectAccepted('/v1/track', { userId: stranger, event: 'Meeting Held' });
    const [meeting] = await waitFor(() => {
      const found = eventsOf(ws.id).filter(
        (m) => parse(m).data.userId === user && parse(m).data.call === 'track',
      );
      return found.length ? found : undefined;
    });
    expect(meeting!.key).toBe(`${ws.id}:acc-1`);
    const [orphan] = await waitFor(() => {
      const found = eventsOf(ws.id).filter((m) => parse(m).data.userId === stranger);
      return found.length ? found : undefined;
    });
    expect(parse(orphan!).accountId).toBeNull();
    expect(orphan!.key).toBe(`${ws.id}:~${stranger}`);
  });

  it('refuses an invalid call with 400 naming each field, and dead-letters it', async () => {
    const response = await post(
      ingestion.service.url,
      '/v1/track',
      {
        userId: 'u1',
        event: 'Survey Responded',
        properties: { survey: 'nps', score: 11 },
        timestamp: 'yesterday',
      },
      { writeKey: ws.writeKey },
    );
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('invalid_event');
    const paths = (response.body['errors'] as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['properties.score', 'timestamp']));
    const [dead] = await refused.waitForMessages(
      (m) => m.headers[Header.WorkspaceId] === ws.id && (m.value ?? '').includes('"score":11'),
    );
    expect(dead!.headers[Header.DeadLetterReason]).toContain('properties.score');
  });

  it('in a batch, stores the valid calls and reports each invalid one by index', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const response = await post(
      ingestion.service.url,
      '/v1/batch',
      {
        batch: [
          { type: 'track', messageId: ids[0], userId: 'b1', event: 'Signed In' },
          {
            type: 'track',
            messageId: ids[1],
            userId: 'b1',
            event: 'Subscription Started',
            properties: { mrr: -5, currency: 'dollars' },
          },
          { type: 'identify', messageId: ids[2], anonymousId: 'anon-1', traits: {} },
        ],
      },
      { writeKey: ws.writeKey },
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, accepted: 2, duplicates: 0 });
    const rejected = response.body['rejected'] as {
      index: number;
      messageId: string;
      errors: { path: string }[];
    }[];
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.index).toBe(1);
    expect(rejected[0]!.messageId).toBe(ids[1]);
    expect(rejected[0]!.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['properties.mrr', 'properties.currency', 'properties.subscription_id']),
    );
    await waitFor(() => (byMessageId(ids[0]!).length && byMessageId(ids[2]!).length ? true : undefined));
    expect(byMessageId(ids[1]!)).toHaveLength(0);
    await refused.waitForMessages((m) => (m.value ?? '').includes(ids[1]!));
  });

  it('publishes a repeated messageId once, and acknowledges the repeat', async () => {
    const messageId = randomUUID();
    const call = { userId: 'd1', event: 'Signed In', messageId };
    const first = await post(ingestion.service.url, '/v1/track', call, { writeKey: ws.writeKey });
    const again = await post(
      ingestion.service.url,
      '/v1/batch',
      { batch: [{ type: 'track', ...call }] },
      { writeKey: ws.writeKey },
    );
    expect(first.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const published = await waitFor(() =>
      byMessageId(messageId).length ? byMessageId(messageId) : undefined,
    );
    await readPastMarkers(ingestion.service.url, ws.writeKey, events, published);
    expect(byMessageId(messageId)).toHaveLength(1);
  });

  it('continues the caller’s trace: the events carry a traceparent of the same trace', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const messageId = randomUUID();
    const response = await fetch(`${ingestion.service.url}/v1/track`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basic(ws.writeKey),
        traceparent: `00-${traceId}-1234567890abcdef-01`,
      },
      body: JSON.stringify({ userId: 'traced', event: 'Signed In', messageId }),
    });
    expect(response.status).toBe(200);
    const [message] = await waitFor(() =>
      byMessageId(messageId).length ? byMessageId(messageId) : undefined,
    );
    const parent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(message!.headers[Header.TraceParent] ?? '');
    expect(parent?.[1]).toBe(traceId);
    // The span is ingestion's own (a child of the caller's), not the caller's span itself.
    expect(parent?.[2]).not.toBe('1234567890abcdef');
  });

  it('corrects the client’s clock skew and stamps receivedAt', async () => {
    const messageId = randomUUID();
    const clientNow = Date.now() + 3_600_000; // a client clock one hour fast
    const before = Date.now();
    await post(
      ingestion.service.url,
      '/v1/track',
      {
        userId: 'c1',
        event: 'Signed In',
        messageId,
        timestamp: new Date(clientNow - 5000).toISOString(),
        sentAt: new Date(clientNow).toISOString(),
      },
      { writeKey: ws.writeKey },
    );
    const [message] = await waitFor(() =>
      byMessageId(messageId).length ? byMessageId(messageId) : undefined,
    );
    const envelope = parse(message!) as Envelope & { data: { receivedAt: string; timestamp: string } };
    const received = Date.parse(envelope.data.receivedAt);
    expect(received).toBeGreaterThanOrEqual(before);
    expect(received - Date.parse(envelope.occurredAt)).toBe(5000);
  });

  it('marks what /v1/import takes as history (backfill: true), and what the live endpoints take not', async () => {
    const imported = randomUUID();
    const live = randomUUID();
    // History from 90 days ago; a live call within the live window (LIVE_EVENT_MAX_AGE_DAYS).
    const call = (messageId: string, daysAgo: number) => ({
      type: 'track',
      userId: 'h1',
      event: 'Signed In',
      messageId,
      timestamp: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
    });
    const answers = [
      await post(
        ingestion.service.url,
        '/v1/import',
        { batch: [call(imported, 90)] },
        { writeKey: ws.writeKey },
      ),
      await post(ingestion.service.url, '/v1/batch', { batch: [call(live, 1)] }, { writeKey: ws.writeKey }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const arrived = (messageId: string) =>
      waitFor(() => (byMessageId(messageId).length ? byMessageId(messageId) : undefined));
    const [history] = await arrived(imported);
    const [present] = await arrived(live);
    expect((parse(history!) as Envelope & { data: { backfill?: boolean } }).data.backfill).toBe(true);
    expect(parse(present!).data).not.toHaveProperty('backfill');
  });

  it('accepts gzip bodies and writeKey in the body', async () => {
    const messageId = randomUUID();
    const response = await post(
      ingestion.service.url,
      '/v1/batch',
      {
        writeKey: ws.writeKey,
        batch: [{ type: 'track', userId: 'g1', event: 'Webinar Attended', messageId }],
      },
      { gzip: true },
    );
    expect(response.status).toBe(200);
    await waitFor(() => byMessageId(messageId).length || undefined);
  });

  it('answers 413 beyond 500 KB per request and 32 KB per event', async () => {
    const big = 'x'.repeat(600 * 1024);
    const request = await post(
      ingestion.service.url,
      '/v1/track',
      { userId: 'l', event: 'Signed In', properties: { big } },
      { writeKey: ws.writeKey },
    );
    expect(request.status).toBe(413);
    const event = await post(
      ingestion.service.url,
      '/v1/track',
      { userId: 'l', event: 'Signed In', properties: { big: 'y'.repeat(40 * 1024) } },
      { writeKey: ws.writeKey },
    );
    expect(event.status).toBe(413);
    expect(event.body['error']).toBe('event_too_large');
  });

  it('refuses a missing, unknown or revoked write key with 401, the revoked one at once', async () => {
    const call = { userId: 'k', event: 'Signed In' };
    expect((await post(ingestion.service.url, '/v1/track', call)).status).toBe(401);
    expect(
      (await post(ingestion.service.url, '/v1/track', call, { writeKey: 'tzk_wk_unknown' })).status,
    ).toBe(401);
    const other = await createWorkspace(ingestion.service.url, 'revocable');
    expect((await post(ingestion.service.url, '/v1/track', call, { writeKey: other.writeKey })).status).toBe(
      200,
    );
    const revoke = await fetch(
      `${ingestion.service.url}/admin/workspaces/${other.id}/write-keys/${other.writeKeyId}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(revoke.status).toBe(204);
    const after = await post(ingestion.service.url, '/v1/track', call, { writeKey: other.writeKey });
    expect(after.status).toBe(401);
    expect(after.body['error']).toBe('invalid_write_key');
  });

  it('answers CORS preflights for browser SDKs', async () => {
    const response = await fetch(`${ingestion.service.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('documents every endpoint and error shape in OpenAPI', async () => {
    const document = (await (await fetch(`${ingestion.service.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const path of [
      '/v1/batch',
      '/v1/import',
      '/v1/{type}',
      '/admin/workspaces',
      '/admin/workspaces/{workspaceId}/write-keys',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(Object.keys(document.paths['/v1/batch']!['post']!.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '413', '429', '503']),
    );
  });
});

describe('ingestion: rate limit per write key', () => {
  let ingestion: RunningIngestion;

  beforeAll(async () => {
    ingestion = await startIngestion({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '2' }, 'ingestion_rate');
  });

  afterAll(async () => {
    await ingestion?.close();
  });

  it('answers 429 with Retry-After and RateLimit headers past the burst', async () => {
    const ws = await createWorkspace(ingestion.service.url, 'limited');
    const call = { userId: 'r', event: 'Signed In' };
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await post(ingestion.service.url, '/v1/track', call, { writeKey: ws.writeKey });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(last!.headers.get('ratelimit-limit')).toBe('2');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
  });
});
