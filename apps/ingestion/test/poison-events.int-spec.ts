import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { Header, MAX_AMOUNT, MAX_COUNT, Topic } from '@tsuzuku/contracts';
import { ReadMessage, TopicOffsets, TopicReader, waitFor } from '@tsuzuku/platform-testing';
import { RunningIngestion, Workspace, createWorkspace, post, startIngestion } from './ingestion-harness';

const brokers = () => process.env['KAFKA_BROKERS']!.split(',');
const DAY_MS = 86_400_000;

interface Refusal {
  readonly errors?: { path: string; message: string }[];
  readonly rejected?: {
    index: number;
    messageId: string | null;
    errors: { path: string; message: string }[];
  }[];
}

/** A call as JSON text: `raw` fragments are spliced in as written (1e400, \ud800 escapes). */
function callText(fields: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const text = JSON.stringify(fields);
  const extra = Object.entries(raw).map(([key, value]) => `${JSON.stringify(key)}:${value}`);
  return extra.length === 0 ? text : `${text.slice(0, -1)},${extra.join(',')}}`;
}

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { n: value };
  return value;
}

/** Waits until a reader started at `from` has read every message the topics held at `to`. */
async function readUpTo(reader: TopicReader, from: TopicOffsets[], to: TopicOffsets[]): Promise<void> {
  const start = new Map(
    from.flatMap(({ topic, offsets }) => offsets.map((o) => [`${topic}/${o.partition}`, o.high])),
  );
  await waitFor(
    () =>
      to.every(({ topic, offsets }) =>
        offsets.every(
          ({ partition, high }) =>
            high === start.get(`${topic}/${partition}`) ||
            reader.messages.some(
              (m) => m.topic === topic && m.partition === partition && BigInt(m.offset) >= BigInt(high) - 1n,
            ),
        ),
      ) || undefined,
    { what: 'the reader to catch up with the topic' },
  );
}

describe('ingestion: poison events are refused at the door', () => {
  let ingestion: RunningIngestion;
  let ws: Workspace;
  let events: TopicReader;
  let eventsFrom: TopicOffsets[];
  let refused: TopicReader;
  const marked = (marker: string) => (m: ReadMessage) => (m.value ?? '').includes(marker);

  beforeAll(async () => {
    ingestion = await startIngestion({}, 'ingestion_poison');
    events = new TopicReader(brokers());
    eventsFrom = await events.endOffsets([Topic.Events]);
    await events.start([Topic.Events], eventsFrom);
    refused = await new TopicReader(brokers()).start([Topic.EventsDlq]);
    ws = await createWorkspace(ingestion.service.url, 'poison');
  });

  afterAll(async () => {
    await events?.stop();
    await refused?.stop();
    await ingestion?.close();
  });

  const now = () => new Date().toISOString();
  const sub = (mrr: unknown) => ({ mrr, currency: 'USD', subscription_id: 's-1' });
  // [what, endpoint, the call's fields, fragments spliced in as raw JSON, the path named, the message]
  const poison: [string, string, Record<string, unknown>, Record<string, string>, string, RegExp][] = [
    [
      'a NUL in a property',
      '/v1/track',
      { userId: 'u', event: 'Note', properties: { note: 'a\u0000b' } },
      {},
      'properties.note',
      /NUL/,
    ],
    [
      'a lone surrogate in a property',
      '/v1/track',
      { userId: 'u', event: 'Note' },
      { properties: '{"note":"x\\ud800"}' },
      'properties.note',
      /unpaired surrogate/,
    ],
    [
      'a lone surrogate in a trait key',
      '/v1/identify',
      { userId: 'u' },
      { traits: '{"\\udc00":1}' },
      'traits.\udc00',
      /unpaired surrogate/,
    ],
    [
      'mrr: 1e400 (Infinity once parsed)',
      '/v1/track',
      { userId: 'u', event: 'Subscription Started' },
      { properties: '{"mrr":1e400,"currency":"USD","subscription_id":"s"}' },
      'properties.mrr',
      /finite/,
    ],
    [
      '-1e400 in any property',
      '/v1/track',
      { userId: 'u', event: 'Report Exported' },
      { properties: '{"delta":-1e400}' },
      'properties.delta',
      /finite/,
    ],
    [
      '1e400 in a group trait',
      '/v1/group',
      { userId: 'u', groupId: 'acc' },
      { traits: '{"mrr":1e400}' },
      'traits.mrr',
      /finite/,
    ],
    [
      'an mrr past what reporting can hold',
      '/v1/track',
      { userId: 'u', event: 'Subscription Changed', properties: sub(MAX_AMOUNT * 10) },
      {},
      'properties.mrr',
      /<= 1000000000000/,
    ],
    [
      'seats past a Postgres integer',
      '/v1/group',
      { userId: 'u', groupId: 'acc', traits: { seats: MAX_COUNT + 1 } },
      {},
      'traits.seats',
      /<= 2147483647/,
    ],
    [
      'a renewal_date in year 0',
      '/v1/group',
      { userId: 'u', groupId: 'acc', traits: { renewal_date: '0000-01-01' } },
      {},
      'traits.renewal_date',
      /year from 1900/,
    ],
    ['a NUL in groupId', '/v1/group', { userId: 'u', groupId: 'acc\u0000x' }, {}, 'groupId', /NUL/],
    ['a NUL in userId', '/v1/track', { userId: 'u\u0000', event: 'Signed In' }, {}, 'userId', /NUL/],
    ['a NUL in anonymousId', '/v1/page', { anonymousId: '\u0000' }, {}, 'anonymousId', /NUL/],
    [
      'a NUL in messageId',
      '/v1/track',
      { userId: 'u', event: 'Signed In', messageId: 'm\u0000' },
      {},
      'messageId',
      /NUL/,
    ],
    ['a NUL in previousId', '/v1/alias', { userId: 'u', previousId: 'p\u0000' }, {}, 'previousId', /NUL/],
    [
      'a NUL in context.groupId',
      '/v1/track',
      { userId: 'u', event: 'Signed In', context: { groupId: 'a\u0000' } },
      {},
      'context.groupId',
      /NUL/,
    ],
    [
      'a NUL deep in context',
      '/v1/screen',
      { userId: 'u', context: { library: { name: 'x\u0000' } } },
      {},
      'context.library.name',
      /NUL/,
    ],
    [
      'an account id of 201 characters in a page call',
      '/v1/page',
      { userId: 'u', properties: { groupId: 'g'.repeat(201) } },
      {},
      'properties.groupId',
      /at most 200/,
    ],
    [
      'a property nested 17 levels deep',
      '/v1/track',
      { userId: 'u', event: 'Deep', properties: nested(16) as object },
      {},
      'properties' + '.n'.repeat(15),
      /nested more than 16/,
    ],
    [
      'timestamp 9999-12-31 sent at 0001-01-01 (the skew puts it past now)',
      '/v1/track',
      { userId: 'u', event: 'Signed In', timestamp: '9999-12-31T00:00:00Z', sentAt: '0001-01-01T00:00:00Z' },
      {},
      'timestamp',
      /in the future after clock-skew correction/,
    ],
    [
      'a live call older than the live window',
      '/v1/track',
      { userId: 'u', event: 'Signed In', timestamp: new Date(Date.now() - 31 * DAY_MS).toISOString() },
      {},
      'timestamp',
      /30 days old.*\/v1\/import/,
    ],
    [
      'a leap second no Date can read',
      '/v1/identify',
      { userId: 'u', timestamp: '2016-12-31T23:59:60Z' },
      {},
      'timestamp',
      /must be a date-time/,
    ],
    [
      'an originalTimestamp a day ahead',
      '/v1/identify',
      { userId: 'u', originalTimestamp: new Date(Date.now() + DAY_MS).toISOString() },
      {},
      'originalTimestamp',
      /in the future/,
    ],
  ];

  it.each(poison.map((p, i) => [i, ...p] as const))(
    'refuses poison event %i (%s) with 400 naming the field, and dead-letters it',
    async (i, _what, path, fields, raw, field, message) => {
      const marker = `poison-${i}-${randomUUID()}`;
      const response = await post(ingestion.service.url, path, undefined, {
        writeKey: ws.writeKey,
        raw: callText({ ...fields, marker }, raw),
      });
      expect(response.status).toBe(400);
      expect(response.body['error']).toBe('invalid_event');
      expect((response.body as Refusal).errors).toEqual(
        expect.arrayContaining([{ path: field, message: expect.stringMatching(message) }]),
      );
      const [dead] = await refused.waitForMessages(marked(marker));
      // Kafka headers are UTF-8: an unpaired surrogate in the path arrives as U+FFFD.
      expect(dead!.headers[Header.DeadLetterReason]).toContain(field.replace(/\p{Cs}/gu, '\ufffd'));
      // And nothing of it was published: the reader has read all cs.events.v1 holds now.
      await readUpTo(events, eventsFrom, await events.endOffsets([Topic.Events]));
      expect(events.messages.filter(marked(marker))).toEqual([]);
    },
  );

  it('applies the same rules to /v1/import, with its own past window', async () => {
    const history = [
      { type: 'track', userId: 'i', event: 'Signed In', timestamp: '2001-06-01T00:00:00Z' },
      {
        type: 'track',
        userId: 'i',
        event: 'Signed In',
        timestamp: '9999-12-31T00:00:00Z',
        sentAt: '0001-01-01T00:00:00Z',
      },
      { type: 'track', userId: 'i', event: 'Signed In', timestamp: '1999-12-31T23:59:59Z' },
      { type: 'track', userId: 'i', event: 'Note', properties: { note: '\u0000' } },
    ];
    const response = await post(
      ingestion.service.url,
      '/v1/import',
      { batch: history },
      { writeKey: ws.writeKey },
    );
    expect(response.status).toBe(200);
    expect(response.body['accepted']).toBe(1);
    const rejected = (response.body as Refusal).rejected!;
    expect(rejected.map((r) => [r.index, r.errors.map((e) => e.path)])).toEqual([
      [1, ['timestamp']],
      [2, ['timestamp']],
      [3, ['properties.note']],
    ]);
    expect(rejected[0]!.errors[0]!.message).toMatch(/in the future/);
    expect(rejected[1]!.errors[0]!.message).toMatch(/earlier than 2000-01-01/);
  });

  it('in a batch, publishes the valid calls and reports each poison one by index, dead-lettered', async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const text = `{"batch":[${[
      callText({ type: 'track', messageId: ids[0], userId: 'b', event: 'Signed In' }),
      callText(
        { type: 'track', messageId: ids[1], userId: 'b', event: 'Subscription Started' },
        { properties: '{"mrr":1e400,"currency":"USD","subscription_id":"s"}' },
      ),
      callText({ type: 'group', messageId: ids[2], userId: 'b', groupId: 'acc\u0000' }),
      callText({ type: 'identify', messageId: ids[3], userId: 'b', traits: { plan: 'pro' } }),
    ].join(',')}],"sentAt":"${now()}"}`;
    const response = await post(ingestion.service.url, '/v1/batch', undefined, {
      writeKey: ws.writeKey,
      raw: text,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, accepted: 2 });
    const rejected = (response.body as Refusal).rejected!;
    expect(rejected.map((r) => [r.index, r.messageId, r.errors.map((e) => e.path)])).toEqual([
      [1, ids[1], ['properties.mrr']],
      [2, ids[2], ['groupId']],
    ]);
    const dead = await refused.waitForMessages(
      (m) => [ids[1]!, ids[2]!].some((id) => (m.value ?? '').includes(id)),
      2,
    );
    expect(dead.map((m) => m.headers['tsuzuku-dlq-batch-index']).sort()).toEqual(['1', '2']);
    await events.waitForMessages((m) => [ids[0]!, ids[3]!].some((id) => (m.value ?? '').includes(id)), 2);
  });

  it('answers a batch of poison events only with 400, each by index', async () => {
    const response = await post(
      ingestion.service.url,
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'z', event: 'x', properties: { a: '\u0000' } },
          { type: 'group', userId: 'z', groupId: '\u0000' },
        ],
      },
      { writeKey: ws.writeKey },
    );
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('invalid_event');
    expect((response.body as Refusal).rejected!.map((r) => r.index)).toEqual([0, 1]);
  });

  it.each([false, true])(
    'refuses a body nested 5,000 levels deep with 400 before parsing it (gzip: %s)',
    async (gzip) => {
      const text = `{"userId":"u","event":"Deep","properties":${'{"n":'.repeat(5000)}1${'}'.repeat(5000)}}`;
      const response = await post(ingestion.service.url, '/v1/track', undefined, {
        writeKey: ws.writeKey,
        raw: text,
        gzip,
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        error: 'invalid_request',
        message: expect.stringMatching(/more than 64 levels deep/),
      });
      const batch = `{"batch":[${'['.repeat(5000)}${']'.repeat(5000)}]}`;
      expect(
        (
          await post(ingestion.service.url, '/v1/batch', undefined, {
            writeKey: ws.writeKey,
            raw: batch,
            gzip,
          })
        ).status,
      ).toBe(400);
      expect((await fetch(`${ingestion.service.url}/health/live`)).status).toBe(200);
    },
  );

  it('answers the unmodified Segment SDK 400 for a poison call, which it does not retry, and takes the rest', async () => {
    const statuses: number[] = [];
    const analytics = new SegmentAnalytics({
      writeKey: ws.writeKey,
      host: ingestion.service.url,
      flushAt: 1,
      maxRetries: 3,
    });
    analytics.on('http_response', (response) => statuses.push(response.status));
    const deliver = (send: (done: (error?: unknown) => void) => void) =>
      new Promise<unknown>((resolve) => send((error) => resolve(error)));
    const user = `sdk-${randomUUID()}`;
    const poisonNul = await deliver((done) =>
      analytics.track({ userId: user, event: 'Note', properties: { note: 'a\u0000b' } }, done),
    );
    const poisonGroup = await deliver((done) =>
      analytics.group({ userId: user, groupId: 'acc\u0000' }, done),
    );
    const poisonTime = await deliver((done) =>
      analytics.track(
        { userId: user, event: 'Signed In', timestamp: new Date('9999-12-31T00:00:00Z') },
        done,
      ),
    );
    const valid = await deliver((done) => analytics.track({ userId: user, event: 'Signed In' }, done));
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(
      [poisonNul, poisonGroup, poisonTime].map((e) => String((e as Error | undefined)?.message)),
    ).toEqual([
      expect.stringContaining('400'),
      expect.stringContaining('400'),
      expect.stringContaining('400'),
    ]);
    expect(valid).toBeUndefined();
    // One request per call: a 400 is final, not retried.
    expect(statuses).toEqual([400, 400, 400, 200]);
    await events.waitForMessages((m) => (m.value ?? '').includes(user));
  });
});

describe('ingestion: a Postgres outage', () => {
  let ingestion: RunningIngestion;
  let ws: Workspace;
  let admin: Client;
  // Connections to the service's database: refused (Postgres answers "not accepting connections").
  const allowConnections = (allow: boolean) =>
    admin.query(`ALTER DATABASE "${ingestion.db.name}" ALLOW_CONNECTIONS ${allow}`);

  beforeAll(async () => {
    ingestion = await startIngestion({ PUBLISH_TIMEOUT_MS: '3000' }, 'ingestion_db_outage');
    ws = await createWorkspace(ingestion.service.url, 'db-outage');
    const url = new URL(process.env['DATABASE_URL']!);
    url.pathname = '/postgres';
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
  });

  afterAll(async () => {
    await allowConnections(true).catch(() => undefined);
    await admin?.end();
    await ingestion?.close();
  });

  it('is 503 database_unavailable with Retry-After and no driver text, while poison input still gets 400', async () => {
    // The service's connections end; the test's own (which drops the database later) stays.
    const [own] = await ingestion.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await allowConnections(false);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
      [ingestion.db.name, own!.pid],
    );
    try {
      const call = { userId: 'o', event: 'Signed In', messageId: randomUUID() };
      const down = await post(ingestion.service.url, '/v1/track', call, { writeKey: ws.writeKey });
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(down.body['error']).toBe('database_unavailable');
      // Our own words only: a stable code and a message, no Postgres or driver text.
      expect(Object.keys(down.body).sort()).toEqual(['error', 'message', 'statusCode']);
      expect(String(down.body['message'])).not.toMatch(
        /accepting connections|terminat|ECONN|postgres|tsuzuku_it/i,
      );

      const poisonDuringOutage = await post(
        ingestion.service.url,
        '/v1/group',
        { userId: 'o', groupId: 'acc\u0000' },
        { writeKey: ws.writeKey },
      );
      expect(poisonDuringOutage.status).toBe(400);
    } finally {
      await allowConnections(true);
    }
    const back = await waitFor(
      async () => {
        const answer = await post(
          ingestion.service.url,
          '/v1/track',
          { userId: 'o', event: 'Signed In' },
          { writeKey: ws.writeKey },
        );
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'ingestion to take events again', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(back.body).toEqual({ success: true });
  });
});
