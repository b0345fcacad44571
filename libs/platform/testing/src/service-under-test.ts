import { afterAll, beforeAll } from '@jest/globals';
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

/**
 * The suite's service under test, started before its tests (in a beforeAll registered here, after
 * the ones registered before the call) and closed after them; `options` is read when it starts.
 */
export function useServiceUnderTest<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  options: () => ServiceUnderTestOptions,
  timeoutMs = 90_000,
): ServiceUnderTest<C> {
  let started: ServiceUnderTest<C> | undefined;
  beforeAll(async () => {
    started = await startServiceUnderTest(definition, options());
  }, timeoutMs);
  afterAll(() => started?.close());
  const current = () => {
    if (!started)
      throw new Error(`${definition.name} is not started: use it inside the suite's tests and hooks`);
    return started;
  };
  return {
    get db() {
      return current().db;
    },
    get service() {
      return current().service;
    },
    get publisher() {
      return current().publisher;
    },
    get token() {
      return current().token;
    },
    get api() {
      return current().api;
    },
    close: () => current().close(),
  };
}
