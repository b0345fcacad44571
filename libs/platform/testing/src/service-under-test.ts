import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { ConsumerRunner, EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { ApiClient, apiClient } from './api-client';
import { TestDatabase, createTestDatabase } from './test-database';
import { issueTestApiToken } from './test-fixtures';
import { RunningTestService, startTestService } from './test-service';

/** A service booted for a suite, with what the suite talks to it through. */
export interface ServiceUnderTest<C extends ServiceConfig> {
  readonly db: TestDatabase;
  readonly service: RunningTestService<C>;
  /** The test's own publisher, on a Kafka connection of its own. */
  readonly publisher: EventPublisher;
  /** An API token of the suite's workspace (read and write) that the service accepts. */
  readonly token: string;
  /** JSON over the service's API with that token. */
  readonly api: ApiClient;
  /** Stops the service and the publisher and drops the database. */
  close(): Promise<void>;
}

export interface ServiceUnderTestOptions {
  /** Names the suite's database and its Kafka client. */
  readonly label: string;
  readonly workspaceId: string;
  /** Added to the service's environment after DATABASE_URL. */
  readonly env?: Readonly<Record<string, string>>;
  /** The consumer group the service must have joined before the suite publishes anything. */
  readonly joins?: string;
}

/**
 * Boots a service on a database of its own, waits until it has joined its consumer group, and
 * issues it an API token of the suite's workspace; what started is stopped again when a step fails.
 */
export async function startServiceUnderTest<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  options: ServiceUnderTestOptions,
): Promise<ServiceUnderTest<C>> {
  const db = await createTestDatabase(options.label);
  const publisher = new EventPublisher(
    new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '' }),
      `${options.label}-test`,
    ),
  );
  let service: RunningTestService<C> | undefined;
  const close = async () => {
    await service?.close();
    await publisher.onApplicationShutdown();
    await db.drop();
  };
  try {
    service = await startTestService(definition, { DATABASE_URL: db.url, ...options.env });
    if (options.joins) await service.app.get(ConsumerRunner).whenJoined(options.joins);
    const token = await issueTestApiToken(publisher, service.url, options.workspaceId, ['read', 'write']);
    const url = service.url;
    const api = apiClient(
      () => url,
      () => token,
    );
    return { db, service, publisher, token, api, close };
  } catch (error) {
    await close();
    throw error;
  }
}
