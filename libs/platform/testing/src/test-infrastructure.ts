import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestInfrastructure {
  readonly brokers: string[];
  readonly databaseUrl: string;
  /** How it was found: the environment, Testcontainers, or the local infrastructure scripts. */
  readonly source: 'environment' | 'testcontainers' | 'local';
  readonly stop: () => Promise<void>;
}

interface LocalInfra {
  up(): Promise<{ brokers: string[]; databaseUrl: string }>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function dockerEngineConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env['DOCKER_HOST']) return true;
  return fs.existsSync('/var/run/docker.sock');
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<TestInfrastructure> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer('apache/kafka:4.1.1').withKraft().start(),
    new PostgreSqlContainer('postgres:17-alpine').withDatabase('tsuzuku').withUsername('postgres').start(),
  ]);
  return {
    brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    databaseUrl: postgres.getConnectionUri(),
    source: 'testcontainers',
    stop: async () => {
      await Promise.all([kafka.stop(), postgres.stop()]);
    },
  };
}

/**
 * The Kafka and Postgres integration tests run against: KAFKA_BROKERS and DATABASE_URL when
 * both are set; else Testcontainers when a Docker engine answers; else the local
 * infrastructure (Kafka from Apache's jars, the Postgres at DATABASE_URL or its default).
 */
export async function startTestInfrastructure(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestInfrastructure> {
  if (env['KAFKA_BROKERS'] && env['DATABASE_URL']) {
    return {
      brokers: env['KAFKA_BROKERS'].split(',').map((b) => b.trim()),
      databaseUrl: env['DATABASE_URL'],
      source: 'environment',
      stop: async () => undefined,
    };
  }
  if (dockerEngineConfigured(env) && (await dockerAnswers())) return startContainers();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local = require(path.join(REPO_ROOT, 'tools', 'infra', 'local-infra.cjs')) as LocalInfra;
  const { brokers, databaseUrl } = await local.up();
  // The local Kafka is left running for the next run; `npm run infra:down` stops it.
  return { brokers, databaseUrl, source: 'local', stop: async () => undefined };
}

interface LocalKafkaControl {
  ensureKafka(options: { name: string; port: number }): Promise<string[]>;
  stopKafka(options: { name: string }): Promise<boolean>;
}

/**
 * A Kafka broker of a test's own (from the local infrastructure's jars), for tests that must
 * stop and restart Kafka without disturbing the broker the other tests share.
 */
export class PrivateKafka {
  private readonly local: LocalKafkaControl;

  constructor(
    readonly name: string,
    readonly port: number,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.local = require(path.join(REPO_ROOT, 'tools', 'infra', 'local-infra.cjs')) as LocalKafkaControl;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  start(): Promise<string[]> {
    return this.local.ensureKafka({ name: this.name, port: this.port });
  }

  async stop(): Promise<void> {
    await this.local.stopKafka({ name: this.name });
  }
}
