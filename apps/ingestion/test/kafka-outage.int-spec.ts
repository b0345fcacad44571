import { randomUUID } from 'node:crypto';
import { Topic } from '@tsuzuku/contracts';
import { PrivateKafka, TopicReader, waitFor } from '@tsuzuku/platform-testing';
import {
  RunningIngestion,
  createWorkspace,
  post,
  readPastMarkers,
  startIngestion,
} from './ingestion-harness';

// A broker of this test's own: stopping it leaves the shared one alone.
const kafka = new PrivateKafka('ingestion-outage', 19192);
/** How long the broker stays down. */
const OUTAGE_MS = 20_000;

describe('ingestion: Kafka stopped mid-run', () => {
  let ingestion: RunningIngestion;

  beforeAll(async () => {
    await kafka.start();
    ingestion = await startIngestion(
      { KAFKA_BROKERS: kafka.brokers.join(','), PUBLISH_TIMEOUT_MS: '3000' },
      'ingestion_outage',
    );
  });

  afterAll(async () => {
    await ingestion?.close();
    await kafka.stop();
  });

  it('answers 503 with Retry-After while Kafka is down, stays ready meanwhile, and the client retries land exactly once', async () => {
    const ws = await createWorkspace(ingestion.service.url, 'outage');
    const batch = Array.from({ length: 20 }, (_, i) => ({
      type: 'track',
      userId: `u${i}`,
      event: 'Signed In',
      messageId: randomUUID(),
    }));

    // Read from here: the first attempt may still land once Kafka is back (its send goes on).
    const reader = new TopicReader(kafka.brokers);
    const before = await reader.endOffsets([Topic.Events]);
    await kafka.stop();
    const stoppedAt = Date.now();
    const during = await post(ingestion.service.url, '/v1/batch', { batch }, { writeKey: ws.writeKey });
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(during.body['error']).toBe('kafka_unavailable');
    // Ready all the same: the 503 is ingestion's own answer, so the pod stays behind its Service;
    // the outage shows in the details.
    const ready = await fetch(`${ingestion.service.url}/health/ready`);
    const readiness = (await ready.json()) as { details: { kafka: { status: string; outage?: string } } };
    expect(ready.status).toBe(200);
    expect(readiness.details.kafka.status).toBe('up');
    expect(readiness.details.kafka.outage).toEqual(expect.any(String));
    expect((await fetch(`${ingestion.service.url}/health/live`)).status).toBe(200);

    // The outage lasts longer than a producer that gives up after a few seconds would wait (a
    // broker restart takes tens of seconds): the fault's length is the point here, not a wait.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    await kafka.start();
    await reader.start([Topic.Events], before);
    try {
      // The client retries as SDKs do, with the same messageIds, until accepted.
      const retried = await waitFor(
        async () => {
          const answer = await post(ingestion.service.url, '/v1/batch', { batch }, { writeKey: ws.writeKey });
          return answer.status === 200 ? answer : undefined;
        },
        { what: 'a retry to be accepted', timeoutMs: 60_000, intervalMs: 1000 },
      );
      // And once more, as a client that missed the answer would.
      await post(ingestion.service.url, '/v1/batch', { batch }, { writeKey: ws.writeKey });
      expect(retried.body['accepted']).toBe(20);
      // The first attempt's send, in flight while the broker was down, was not given up: it was
      // delivered once the broker was back, and the retry was answered as its repeat. A send given
      // up too soon would have been counted unsent, and published a second time by the retry.
      expect(retried.body['duplicates']).toBe(20);
      const ids = new Set<string>(batch.map((b) => b.messageId));
      const mine = () =>
        reader.messages.filter((m) =>
          ids.has((JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId),
        );
      const arrived = await waitFor(() => (mine().length >= 20 ? mine() : undefined), {
        what: 'the 20 events',
        timeoutMs: 30_000,
      });
      // The attempts before the answer have settled (a retry is accepted only then): whatever they
      // published is on the partitions before the markers sent behind the events.
      await readPastMarkers(ingestion.service.url, ws.writeKey, reader, arrived);
      expect(mine()).toHaveLength(20);
    } finally {
      await reader.stop();
    }
  });
});
