import { randomUUID } from 'node:crypto';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  PrivateKafka,
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
  waitFor,
  testCustomerEvent,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';

// A broker of this test's own, so stopping it does not disturb the other tests.
const kafka = new PrivateKafka('outage-test', 19092);

async function readiness(url: string): Promise<{ status: number; kafka?: string }> {
  const response = await fetch(`${url}/health/ready`);
  const body = (await response.json()) as { details?: { kafka?: { status: string } } };
  return { status: response.status, kafka: body.details?.kafka?.status };
}

describe('Kafka outage: readiness follows Kafka, and the service recovers without a restart', () => {
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;

  beforeAll(async () => {
    await kafka.start();
    db = await createTestDatabase('kafka_outage');
    service = await startTestService(healthScoringService, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
    });
  });

  afterAll(async () => {
    await service?.close();
    await kafka.stop();
    await db?.drop();
  });

  it('is ready, turns unready when Kafka stops, and ready again when it is back', async () => {
    expect(await readiness(service.url)).toEqual({ status: 200, kafka: 'up' });

    await kafka.stop();
    const down = await waitFor(
      async () => {
        const r = await readiness(service.url);
        return r.status === 503 ? r : undefined;
      },
      { what: 'readiness to fail', timeoutMs: 30_000 },
    );
    expect(down.kafka).toBe('down');
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);

    await kafka.start();
    await waitFor(async () => (await readiness(service.url)).status === 200, {
      what: 'readiness to pass again',
      timeoutMs: 60_000,
    });
  });

  it('consumes again after the outage, without a restart', async () => {
    const connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: kafka.brokers.join(',') }),
      'outage-producer',
    );
    const publisher = new EventPublisher(connection);
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    try {
      await publisher.publish([testCustomerEvent(workspaceId, 'acc-after-outage', new Date().toISOString())]);
      const rows = await waitFor(
        async () => {
          const found = await db.query('SELECT 1 FROM health_scoring.accounts WHERE workspace_id = $1', [
            workspaceId,
          ]);
          return found.length > 0 ? found : undefined;
        },
        { what: 'the consumer to process an event after the outage', timeoutMs: 90_000 },
      );
      expect(rows).toHaveLength(1);
    } finally {
      await publisher.onApplicationShutdown();
    }
  });
});
