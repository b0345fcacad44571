import { randomUUID } from 'node:crypto';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { Kafka, logLevel } from 'kafkajs';
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
 * Overload: ingestion watches the lag of a consumer group standing for the pipeline, refuses
 * with 429 `overloaded` and Retry-After while that group is too far behind, and takes the
 * Segment SDK's retry once the group has caught up: the event lands exactly once.
 */
describe('ingestion: refusing what the pipeline cannot take', () => {
  const group = `test.pipeline-${randomUUID().slice(0, 8)}`;
  const admin = new Kafka({
    clientId: 'overload-test',
    brokers: brokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
  let ingestion: RunningIngestion;
  let ws: Workspace;
  let events: TopicReader;

  /** Commits the group at the end of cs.events.v1: a pipeline that has caught up. */
  const catchUp = async () => {
    const ends = await admin.fetchTopicOffsets(Topic.Events);
    await admin.setOffsets({
      groupId: group,
      topic: Topic.Events,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    });
  };

  const track = (messageId: string) =>
    post(
      ingestion.service.url,
      '/v1/track',
      { userId: 'u-overload', event: 'Signed In', messageId, context: { groupId: 'acc-overload' } },
      { writeKey: ws.writeKey },
    );

  beforeAll(async () => {
    await admin.connect();
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
    await admin.disconnect();
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
});
