import { randomBytes, randomUUID } from 'node:crypto';
import { Topic } from '@tsuzuku/contracts';
import {
  BuiltService,
  TestDatabase,
  TopicReader,
  alertNewAccountsAtOnce,
  createTestDatabase,
  createWorkspaceWithCli,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

interface Envelope {
  readonly id: string;
  readonly type: string;
  readonly workspaceId: string;
  readonly accountId: string | null;
  readonly correlationId: string;
  readonly data: Record<string, unknown>;
}

/** The trace id of a W3C traceparent header (version-traceid-spanid-flags). */
const traceIdOf = (traceparent: string | undefined) =>
  /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1];

/**
 * One trace from the HTTP request that accepted an event to the CSM task it caused: an NPS
 * detractor answer, sent with a traceparent, raises the NPS alert, whose playbook creates a task.
 * Every message the event caused, on every topic of the way, carries that trace, though three of
 * the hops go through an outbox and each consumer handles its messages in batches.
 */
describe('one trace from an accepted event to the task it caused', () => {
  const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks'] as const;
  const TOPICS = [Topic.Events, Topic.Accounts, Topic.Health, Topic.Alerts, Topic.Playbooks];
  let db: TestDatabase;
  let services: BuiltService[] = [];
  let reader: TopicReader;
  let writeKey = '';
  let token = '';
  const url = (name: (typeof SERVICES)[number]) => services[SERVICES.indexOf(name)]!.url;

  beforeAll(async () => {
    db = await createTestDatabase('e2e_trace');
    const env = { DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789' };
    const started = await Promise.allSettled(SERVICES.map((name) => startBuiltService(name, env, 180_000)));
    services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    ({ writeKey, token } = await createWorkspaceWithCli(
      'trace-e2e',
      env,
      [url('health-scoring'), url('alerting'), url('playbooks')],
      { timeoutMs: 60_000 },
    ));
    reader = await new TopicReader(process.env['KAFKA_BROKERS']!.split(',')).start(TOPICS);
  }, 300_000);

  afterAll(async () => {
    await reader?.stop();
    await Promise.all(services.map((s) => s.stop()));
    await db?.drop();
  });

  it('carries the trace id of the request on every message the event caused, to the task', async () => {
    // The account is seconds old: alerted at once only by a rule without a grace period.
    await alertNewAccountsAtOnce(url('alerting'), token, ['nps_detractor']);
    const created = await fetch(`${url('playbooks')}/v1/playbooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Call back a detractor',
        trigger: { type: 'alert_raised', ruleType: 'nps_detractor' },
        steps: [{ id: 'call', type: 'task', title: 'Call {{account.name}} about their NPS', dueInDays: 1 }],
      }),
    });
    expect(created.status).toBe(201);

    const traceId = randomBytes(16).toString('hex');
    const accountId = `acct-trace-${randomUUID().slice(0, 8)}`;
    const messageId = randomUUID();
    const accepted = await fetch(`${url('ingestion')}/v1/track`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({
        userId: `${accountId}-admin`,
        messageId,
        event: 'Survey Responded',
        properties: { survey: 'nps', score: 2, comment: 'too slow' },
        timestamp: new Date().toISOString(),
        context: { groupId: accountId },
      }),
    });
    expect(await accepted.text()).toContain('"success":true');

    const decoded = () =>
      reader.messages.flatMap((m) => {
        const envelope = m.value ? (JSON.parse(m.value) as Envelope) : null;
        return envelope && envelope.accountId === accountId
          ? [{ topic: m.topic, headers: m.headers, envelope }]
          : [];
      });
    await waitFor(
      () =>
        decoded().some((m) => m.topic === Topic.Playbooks && m.envelope.type === 'task.created') || undefined,
      { what: 'the task created for the detractor', timeoutMs: 120_000, intervalMs: 250 },
    );

    const event = decoded().find(
      (m) => m.topic === Topic.Events && (m.envelope.data as { messageId?: string }).messageId === messageId,
    );
    expect(event).toBeDefined();
    expect(traceIdOf(event!.headers['traceparent'])).toBe(traceId);
    // What the event caused: the messages of its correlation, on every topic of the way.
    const caused = decoded().filter((m) => m.envelope.correlationId === event!.envelope.correlationId);
    for (const topic of TOPICS) expect(caused.filter((m) => m.topic === topic).length).toBeGreaterThan(0);
    expect(caused.map((m) => m.envelope.type)).toEqual(
      expect.arrayContaining([
        'customer.event.recorded',
        'account.updated',
        'account.health.changed',
        'alert.raised',
        'playbook.run.started',
        'task.created',
      ]),
    );
    expect(
      caused.map((m) => `${m.topic} ${m.envelope.type}: ${traceIdOf(m.headers['traceparent'])}`),
    ).toEqual(caused.map((m) => `${m.topic} ${m.envelope.type}: ${traceId}`));
  });
});
