import { randomUUID } from 'node:crypto';
import { EventEnvelope, Topic } from '@tsuzuku/contracts';
import { ReadMessage, TopicReader, waitFor } from '@tsuzuku/platform-testing';
import {
  RunningIngestion,
  Workspace,
  basic,
  createWorkspace,
  post,
  startIngestion,
} from './ingestion-harness';

type Envelope = EventEnvelope<
  string,
  {
    messageId: string;
    event?: string;
    properties: Record<string, unknown>;
    context: Record<string, unknown>;
  }
>;

const brokers = () => process.env['KAFKA_BROKERS']!.split(',');
const parse = (m: ReadMessage) => JSON.parse(m.value!) as Envelope;

const SUPPORT_DESK_PLAN = {
  events: [
    { name: 'User Logged In', mapsTo: 'Signed In' },
    {
      name: 'Ticket Opened',
      properties: { priority: { urgent: 'p1', high: 'p2', normal: 'p3', low: 'p4' } },
    },
  ],
};

describe('ingestion: the tracking plan', () => {
  let ingestion: RunningIngestion;
  let events: TopicReader;
  let acme: Workspace;
  let other: Workspace;

  const api = async (ws: Workspace, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${ingestion.service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ws.apiToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const track = (ws: Workspace, call: Record<string, unknown>) =>
    post(ingestion.service.url, '/v1/track', call, { writeKey: ws.writeKey });
  const arrived = (ws: Workspace, messageId: string) =>
    waitFor(
      () => events.messages.map(parse).find((e) => e.workspaceId === ws.id && e.data.messageId === messageId),
      { what: `event ${messageId} on ${Topic.Events}` },
    );

  beforeAll(async () => {
    ingestion = await startIngestion();
    events = await new TopicReader(brokers()).start([Topic.Events]);
    acme = await createWorkspace(ingestion.service.url, 'acme');
    other = await createWorkspace(ingestion.service.url, 'other');
    // The API tokens are usable once the credential store has read them from Kafka.
    for (const ws of [acme, other])
      await waitFor(async () => (await api(ws, 'GET', '/v1/tracking-plan')).status === 200, {
        what: 'the API token to be known',
      });
    const put = await api(acme, 'PUT', '/v1/tracking-plan', SUPPORT_DESK_PLAN);
    expect(put.status).toBe(200);
  });

  afterAll(async () => {
    await events?.stop();
    await ingestion?.close();
  });

  it('answers the plan as it was put, and an empty plan to a workspace that has none', async () => {
    const got = await api(acme, 'GET', '/v1/tracking-plan');
    expect(got.body['events']).toEqual(SUPPORT_DESK_PLAN.events);
    expect(typeof got.body['updatedAt']).toBe('string');
    expect((await api(other, 'GET', '/v1/tracking-plan')).body).toEqual({ events: [], updatedAt: null });
  });

  it("publishes a customer's own event name as the Tsuzuku name, keeping the original in context", async () => {
    const messageId = randomUUID();
    const sent = await track(acme, { userId: 'u-1', event: 'User Logged In', messageId });
    expect(sent.status).toBe(200);
    const event = await arrived(acme, messageId);
    expect(event.data.event).toBe('Signed In');
    expect(event.data.context['tsuzuku']).toEqual({ originalEvent: 'User Logged In' });
  });

  it('accepts priority "urgent" mapped to p1 and publishes it as p1; unmapped, it is refused', async () => {
    const messageId = randomUUID();
    const call = {
      userId: 'u-1',
      event: 'Ticket Opened',
      properties: { ticket_id: 't-1', priority: 'urgent' },
    };
    expect((await track(acme, { ...call, messageId })).status).toBe(200);
    const event = await arrived(acme, messageId);
    expect(event.data.properties).toEqual({ ticket_id: 't-1', priority: 'p1' });
    expect(event.data.context['tsuzuku']).toEqual({ originalProperties: { priority: 'urgent' } });

    // The other workspace has no plan: its "urgent" is refused, naming the field.
    const refused = await track(other, { ...call, messageId: randomUUID() });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('properties.priority');
  });

  it("never applies one workspace's plan to another's events", async () => {
    const messageId = randomUUID();
    expect((await track(other, { userId: 'u-2', event: 'User Logged In', messageId })).status).toBe(200);
    const event = await arrived(other, messageId);
    expect(event.data.event).toBe('User Logged In');
    expect(event.data.context['tsuzuku']).toBeUndefined();
  });

  it('counts the names that match no CS event by name, with the last call as sample, most counted first', async () => {
    const ws = await createWorkspace(ingestion.service.url, 'unmatched');
    await waitFor(async () => (await api(ws, 'GET', '/v1/tracking-plan')).status === 200);
    const batch = (calls: Record<string, unknown>[]) =>
      post(
        ingestion.service.url,
        '/v1/batch',
        { batch: calls.map((c) => ({ type: 'track', userId: 'u-3', ...c })) },
        { writeKey: ws.writeKey },
      );
    expect(
      (
        await batch([
          { event: 'signed_in', properties: { n: 1 } },
          { event: 'signed_in', properties: { n: 2 } },
          { event: 'Report Exported', properties: { format: 'csv' } },
          { event: 'Signed In' },
        ])
      ).status,
    ).toBe(200);
    expect((await batch([{ event: 'signed_in', properties: { n: 3 } }])).status).toBe(200);

    // Written within a second, in one statement for every request of that second.
    const first = await waitFor(
      async () => {
        const page = await api(ws, 'GET', '/v1/tracking-plan/unmatched?limit=1');
        const [top] = page.body['items'] as { count: number }[];
        return top?.count === 3 ? page : undefined;
      },
      { what: 'signed_in counted 3 times' },
    );
    const items = first.body['items'] as Record<string, unknown>[];
    expect(items).toEqual([
      expect.objectContaining({ name: 'signed_in', status: 'unknown', count: 3, sample: { n: 3 } }),
    ]);
    const next = await api(
      ws,
      'GET',
      `/v1/tracking-plan/unmatched?cursor=${encodeURIComponent(first.body['nextCursor'] as string)}`,
    );
    expect(next.body).toEqual({
      items: [expect.objectContaining({ name: 'Report Exported', count: 1, sample: { format: 'csv' } })],
      nextCursor: null,
    });

    // Once the plan maps the name, the listing says so, and later calls are not counted.
    expect(
      (await api(ws, 'PUT', '/v1/tracking-plan', { events: [{ name: 'signed_in', mapsTo: 'Signed In' }] }))
        .status,
    ).toBe(200);
    expect((await batch([{ event: 'signed_in' }, { event: 'Marker' }])).status).toBe(200);
    // Once the marker of the same request is counted, so would signed_in have been.
    const after = await waitFor(
      async () => {
        const page = await api(ws, 'GET', '/v1/tracking-plan/unmatched');
        return (page.body['items'] as { name: string }[]).some((i) => i.name === 'Marker') ? page : undefined;
      },
      { what: 'the marker counted' },
    );
    expect((after.body['items'] as Record<string, unknown>[])[0]).toEqual(
      expect.objectContaining({ name: 'signed_in', status: 'mapped', count: 3 }),
    );
    // Nothing of this workspace shows in another's list.
    const others = await api(other, 'GET', '/v1/tracking-plan/unmatched');
    expect((others.body['items'] as { name: string }[]).map((i) => i.name)).not.toContain('Report Exported');
  });

  it.each([
    [{ events: [{ name: 'User Logged In', mapsTo: 'Logged In' }] }, 'events[0].mapsTo'],
    [{ events: [{ name: 'Signed In', mapsTo: 'Meeting Held' }] }, 'events[0].mapsTo'],
    [{ events: [{ name: 'login' }] }, 'events[0].mapsTo'],
    [
      {
        events: [
          { name: 'login', mapsTo: 'Signed In' },
          { name: 'login', mapsTo: 'Meeting Held' },
        ],
      },
      'events[1].name',
    ],
    [
      { events: [{ name: 'Ticket Opened', properties: { priority: { urgent: 1 } } }] },
      'events[0].properties.priority.urgent',
    ],
    [{ events: [{ mapsTo: 'Signed In' }] }, 'events[0].name'],
    [{}, 'events'],
  ])('refuses an invalid plan with 400 naming the field (%j)', async (plan, field) => {
    const answer = await api(acme, 'PUT', '/v1/tracking-plan', plan);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(field);
    // The plan in force is unchanged.
    expect((await api(acme, 'GET', '/v1/tracking-plan')).body['events']).toEqual(SUPPORT_DESK_PLAN.events);
  });

  it('needs the API token: the write key is no API token', async () => {
    const response = await fetch(`${ingestion.service.url}/v1/tracking-plan`, {
      headers: { authorization: basic(acme.writeKey) },
    });
    expect(response.status).toBe(401);
  });
});
