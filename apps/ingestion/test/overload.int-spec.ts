import { randomUUID } from 'node:crypto';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Topic } from '@tsuzuku/contracts';
import { ReadMessage, TopicReader, waitFor } from '@tsuzuku/platform-testing';
import {
  RunningIngestion,
  Workspace,
  createWorkspace,
  post,
  readPastMarkers,
  startIngestion,
} from './ingestion-harness';

const brokers = () => process.env['KAFKA_BROKERS']!.split(',');
const messageIdOf = (m: ReadMessage) =>
  (JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId;

/**
 * Overload: ingestion watches the lag of a live consumer group standing for the pipeline, refuses
 * with 429 `overloaded` and Retry-After while that group is too far behind, and takes the
 * Segment SDK's retry once the group has caught up: the event lands exactly once.
 */
describe('ingestion: refusing what the pipeline cannot take', () => {
  const group = `test.pipeline-${randomUUID().slice(0, 8)}`;
  let admin: Admin;
  let ingestion: RunningIngestion;
  let ws: Workspace;
  let events: TopicReader;

  // The pipeline's stand-in: a live member of the group that reads and commits nothing itself.
  const kafka = new Kafka({ clientId: 'overload-test', brokers: brokers(), logLevel: logLevel.NOTHING });
  const member = kafka.consumer({ groupId: group });

  /** Commits the group at the end of cs.events.v1: a pipeline that has caught up. */
  const catchUp = async () => {
    const ends = await admin.fetchTopicOffsets(Topic.Events);
    await member.commitOffsets(
      ends.map((p) => ({ topic: Topic.Events, partition: p.partition, offset: p.high })),
    );
  };

  const track = (messageId: string) =>
    post(
      ingestion.service.url,
      '/v1/track',
      { userId: 'u-overload', event: 'Signed In', messageId, context: { groupId: 'acc-overload' } },
      { writeKey: ws.writeKey },
    );

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await member.connect();
    await member.subscribe({ topics: [Topic.Events], fromBeginning: false });
    let joined: () => void = () => undefined;
    const hasJoined = new Promise<void>((resolve) => (joined = resolve));
    member.on(member.events.GROUP_JOIN, () => joined());
    await member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await hasJoined;
    await catchUp();
    ingestion = await startIngestion({
      OVERLOAD_LAG_GROUPS: group,
      // Every request is refused from a lag of 3 on: the test's own events make it.
      OVERLOAD_LAG_SOFT_LIMIT: '3',
      OVERLOAD_LAG_HARD_LIMIT: '3',
      OVERLOAD_LAG_EVERY_MS: '100',
    });
    events = await new TopicReader(brokers()).start([Topic.Events]);
    ws = await createWorkspace(ingestion.service.url, 'overload');
  });

  afterAll(async () => {
    await events?.stop();
    await ingestion?.close();
    await member.disconnect();
    await admin?.disconnect();
  });

  it('answers 429 overloaded with Retry-After while the pipeline lags, and the SDK retry lands once after', async () => {
    // The group has caught up: taken. Nothing consumes for it, so each event taken adds to its lag.
    // (Caught up just before: other traffic on the topic counts in the group's lag too.)
    await catchUp();
    const first = await waitFor(
      async () => {
        const answer = await track(randomUUID());
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'a request taken once the caught-up lag is read', timeoutMs: 15_000, intervalMs: 20 },
    );
    expect(first.status).toBe(200);

    // Once the lag read reaches 3, requests are refused, each with what to do.
    const refused = await waitFor(
      async () => {
        const answer = await track(randomUUID());
        return answer.status === 429 ? answer : undefined;
      },
      { what: 'a 429 once the pipeline lag is read', timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      error: 'overloaded',
      message: expect.stringMatching(/^ingestion is overloaded: the pipeline is \d+ events behind/),
    });

    // The unmodified Segment SDK meets the refusal, and sends again after Retry-After.
    const refusals: number[] = [];
    const analytics = new SegmentAnalytics({
      writeKey: ws.writeKey,
      host: ingestion.service.url,
      maxRetries: 3,
    });
    analytics.on('http_response', (r) => {
      if (r.status === 429) refusals.push(r.status);
    });
    const messageId = `sdk-${randomUUID()}`;
    analytics.track({
      userId: 'u-overload',
      event: 'Report Exported',
      messageId,
      context: { groupId: 'acc-overload' },
    } as Parameters<SegmentAnalytics['track']>[0]);
    const flushed = analytics.closeAndFlush({ timeout: 60_000 });
    await waitFor(() => refusals.length > 0 || undefined, {
      what: 'the SDK to be refused',
      timeoutMs: 15_000,
    });
    // The pipeline catches up: the retry is taken.
    await catchUp();
    await flushed;

    const arrived = await events.waitForMessages((m) => messageIdOf(m) === messageId, 1, 30_000);
    // Caught up again (the lag read may still count the SDK's event: 1, under the limit).
    await catchUp();
    await readPastMarkers(ingestion.service.url, ws.writeKey, events, arrived);
    expect(events.messages.filter((m) => messageIdOf(m) === messageId)).toHaveLength(1);
  });

  it('leaves out a group with no live member: a pipeline that is down is not overloaded', async () => {
    // Far behind again, and refused.
    await waitFor(async () => ((await track(randomUUID())).status === 429 ? true : undefined), {
      what: 'a 429 while the live group lags',
      timeoutMs: 15_000,
      intervalMs: 20,
    });
    // The member leaves: the lag stays, but no one is there to take it; requests are taken again.
    await member.disconnect();
    const taken = await waitFor(
      async () => {
        const answer = await track(randomUUID());
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'a request taken once the group has no member', timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(taken.body).toEqual({ success: true });
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [Topic.Events] });
    const ends = await admin.fetchTopicOffsets(Topic.Events);
    const lag =
      ends.reduce((sum, p) => sum + Number(p.high), 0) -
      offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(lag).toBeGreaterThanOrEqual(3);
  });
});
