import { randomUUID } from 'node:crypto';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { Header, Topic } from '@tsuzuku/contracts';
import { ConsumerRunner, EventPublisher, RawMessage } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  startTestService,
  waitFor,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { SCORING_CONSUMER } from '../src/scoring/scoring.messaging';

interface Readiness {
  readonly status: number;
  readonly kafka?: { status: string; message?: string };
}

/**
 * A kafkajs consumer crashes for real when its batch handler keeps throwing past ConsumerRunner
 * (kafkajs retries the batch, then gives up): here the dead-letter topic refuses the write a poison
 * message needs until the test has seen readiness fail. Readiness must say why, and the consumer
 * must be started again and go on (the poison message then dead-lettered).
 */
describe('a crashed kafkajs consumer', () => {
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let producer: Producer;
  let deadLetters: TopicReader;
  const brokers = process.env['KAFKA_BROKERS']!.split(',');

  const readiness = async (): Promise<Readiness> => {
    const response = await fetch(`${service.url}/health/ready`);
    const body = (await response.json()) as { details?: { kafka?: Readiness['kafka'] } };
    return { status: response.status, kafka: body.details?.kafka };
  };

  beforeAll(async () => {
    db = await createTestDatabase('consumer_crash');
    service = await startTestService(healthScoringService, { DATABASE_URL: db.url });
    deadLetters = await new TopicReader(brokers).start([Topic.DeadLetter]);
    await service.app.get(ConsumerRunner).whenJoined(SCORING_CONSUMER);
    producer = new Kafka({ clientId: 'crash-test', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await producer?.disconnect();
    await service?.close();
    await deadLetters?.stop();
    await db?.drop();
  });

  it('is reported not ready while it is down, and is started again and goes on', async () => {
    await waitFor(async () => ((await readiness()).status === 200 ? true : undefined), {
      what: 'the service to be ready',
    });
    const publisher = service.app.get(EventPublisher);
    const publishRaw = publisher.publishRaw.bind(publisher);
    let refused = 0;
    let healed = false;
    jest
      .spyOn(publisher, 'publishRaw')
      .mockImplementation(async (topic: Topic, messages: readonly RawMessage[]) => {
        if (topic === Topic.DeadLetter && !healed) {
          refused++;
          throw new Error('the dead-letter topic refused the write (test fault)');
        }
        return publishRaw(topic, messages);
      });
    const key = `ws_${randomUUID().slice(0, 8)}:acc-crash`;
    await producer.send({ topic: Topic.Events, messages: [{ key, value: '{"not": "an envelope"' }] });

    // Not ready while the crashed consumer is down, saying why.
    const down = await waitFor(
      async () => {
        const r = await readiness();
        return r.status === 503 ? r : undefined;
      },
      { what: 'readiness to fail after the crash', timeoutMs: 90_000, intervalMs: 50 },
    );
    healed = true;
    expect(refused).toBeGreaterThan(1);
    expect(down.kafka?.status).toBe('down');
    expect(down.kafka?.message).toMatch(new RegExp(`consumer group ${SCORING_CONSUMER}: crashed`));
    // A crash is mended by a restart of the consumer, not of the process.
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);

    // Started again: ready, and the message that crashed it is dead-lettered on its second pass.
    await waitFor(async () => ((await readiness()).status === 200 ? true : undefined), {
      what: 'readiness to pass again',
      timeoutMs: 60_000,
    });
    const letter = await waitFor(
      () =>
        deadLetters.messages.find(
          (m) => m.key === key && m.headers[Header.DeadLetterConsumerGroup] === SCORING_CONSUMER,
        ),
      { what: 'the poison message on the dead-letter topic', timeoutMs: 30_000 },
    );
    expect(letter.headers[Header.DeadLetterErrorCode]).toBeDefined();
  });
});
