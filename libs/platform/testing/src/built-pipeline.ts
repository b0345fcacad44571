import { CliWorkspace, createWorkspaceWithCli } from '@tsuzuku/demo';
import { BuiltService, startBuiltService } from './built-service';
import { TestDatabase, createTestDatabase } from './test-database';

/** The admin token the end-to-end suites run the built services with. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';

export interface BuiltPipelineOptions<N extends string> {
  /** Names the suite's database. */
  readonly label: string;
  /** The built services to start (apps/<name>/dist), all at once. */
  readonly services: readonly N[];
  /** Added to every service's environment, after DATABASE_URL and TSUZUKU_ADMIN_TOKEN. */
  readonly env?: Readonly<Record<string, string>>;
  /** Added to the environment of one service only. */
  readonly envOf?: Partial<Record<N, Readonly<Record<string, string>>>>;
  /** How long each service may take to be ready: on a shared, loaded machine longer than the default. */
  readonly startTimeoutMs?: number;
  /** The workspace created with the built CLI once every service is ready. */
  readonly workspace: string;
  /** The services that must accept the workspace's API token before the suite goes on; every one but ingestion by default. */
  readonly acceptedBy?: readonly N[];
  readonly fallbackOwner?: string | null;
  readonly workspaceTimeoutMs?: number;
}

/** Built services on a database of their own, with a workspace that all of them know. */
export interface BuiltPipeline<N extends string> extends CliWorkspace {
  readonly db: TestDatabase;
  /** The environment every service was started with. */
  readonly env: Readonly<Record<string, string>>;
  readonly services: Readonly<Record<N, BuiltService>>;
  /** Stops every service and drops the database. */
  stop(): Promise<void>;
}

/**
 * Starts the built services of an end-to-end suite as an operator runs them, on one new database,
 * and creates its workspace with the CLI; when a service fails to start, the others are stopped
 * and the database dropped before the error is thrown.
 */
export async function startBuiltPipeline<N extends string>(
  options: BuiltPipelineOptions<N>,
): Promise<BuiltPipeline<N>> {
  const db = await createTestDatabase(options.label);
  const env = { DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: E2E_ADMIN_TOKEN, ...options.env };
  const started = await Promise.allSettled(
    options.services.map((name) =>
      startBuiltService(name, { ...env, ...options.envOf?.[name] }, options.startTimeoutMs ?? 180_000),
    ),
  );
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(running.map((s) => s.stop()));
    await db.drop();
  };
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const services = Object.fromEntries(options.services.map((name, i) => [name, running[i]!])) as Record<
      N,
      BuiltService
    >;
    const acceptedBy = options.acceptedBy ?? options.services.filter((name) => name !== 'ingestion');
    const workspace = await createWorkspaceWithCli(
      options.workspace,
      env,
      acceptedBy.map((name) => services[name].url),
      {
        ...(options.workspaceTimeoutMs === undefined ? {} : { timeoutMs: options.workspaceTimeoutMs }),
        fallbackOwner: options.fallbackOwner ?? null,
      },
    );
    return { ...workspace, db, env, services, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
