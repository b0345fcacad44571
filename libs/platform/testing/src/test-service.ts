import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { ServiceDefinition, createServiceApp } from '@tsuzuku/platform-runtime';
import { waitFor } from './wait-for';

/**
 * Environment for a test whose service calls HTTP receivers on this machine: loopback allowed,
 * as `npm start` does. Without it a test runs with the production default (loopback refused).
 */
export const ALLOW_LOOPBACK_RECEIVERS: Readonly<Record<string, string>> = {
  TSUZUKU_OUTBOUND_ALLOW: '127.0.0.1/32,::1/128',
};

export interface RunningTestService<C extends ServiceConfig> {
  readonly app: NestFastifyApplication;
  readonly config: C;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Boots a real service, as main.ts would, on a free port, with its configuration read from the
 * test's environment on top of the process's (Kafka and Postgres from the global setup).
 */
export async function startTestService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  env: Record<string, string> = {},
): Promise<RunningTestService<C>> {
  const config = loadConfig(definition.configClass, { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: '0' });
  const app = await createServiceApp(definition, config);
  await app.listen(0, '127.0.0.1');
  await app.startAllMicroservices();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  // As an orchestrator would: traffic only once the service says it is ready.
  await waitFor(async () => (await fetch(`${url}/health/ready`)).ok || undefined, {
    what: `${definition.name} to be ready`,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return { app, config, url, close: () => app.close() };
}
