import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { CliWorkspace, createWorkspaceWithCli } from '@tsuzuku/demo';
import {
  FuzzRequest,
  KNOWN_ID,
  OpenApiDocument,
  encodeUriPart,
  operationsOf,
  requestsFor,
  sweepRequests,
} from './openapi-fuzz';
import { TestDatabase, createTestDatabase } from './test-database';
import { RunningTestService, startTestService } from './test-service';

/** How hard to fuzz: TSUZUKU_FUZZ_RUNS requests per operation, from seed TSUZUKU_FUZZ_SEED. */
export interface FuzzSettings {
  readonly seed: number;
  readonly runs: number;
}

/** The settings of this run: a fixed seed and a short run unless the environment says otherwise. */
export function fuzzSettings(defaultRuns = 15): FuzzSettings {
  const seed = Number(process.env['TSUZUKU_FUZZ_SEED'] ?? 20261204);
  const runs = Number(process.env['TSUZUKU_FUZZ_RUNS'] ?? defaultRuns);
  if (!Number.isSafeInteger(seed)) throw new Error('TSUZUKU_FUZZ_SEED must be an integer');
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new Error('TSUZUKU_FUZZ_RUNS must be a positive integer');
  return { seed, runs };
}

/** A request answered 5xx (or not at all), with what came back. */
export interface FuzzFailure {
  readonly method: string;
  readonly url: string;
  readonly status: number | string;
  readonly contentType?: string;
  readonly body?: string;
  readonly answer: string;
}

export interface FuzzSummary {
  readonly operations: number;
  readonly requests: number;
  readonly statuses: Record<string, number>;
  readonly failures: readonly FuzzFailure[];
  /** How long the requests took, in milliseconds. */
  readonly elapsedMs: number;
}

async function send(
  baseUrl: string,
  request: FuzzRequest,
): Promise<{ status: number | string; answer: string }> {
  try {
    const response = await fetch(`${baseUrl}${request.url}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, answer: await response.text() };
  } catch (error) {
    return { status: `no answer (${(error as Error).message})`, answer: '' };
  }
}

/** The ids in an answer (fields named id or ending in Id), to send back in later paths. */
function collectIds(answer: string, into: Set<string>): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return;
  }
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return;
    for (const [key, item] of Object.entries(value)) {
      if ((key === 'id' || key.endsWith('Id')) && typeof item === 'string' && into.size < 500) into.add(item);
      else visit(item, depth + 1);
    }
  };
  visit(parsed, 0);
}

/**
 * Sends, to the service at `baseUrl`, `runs` generated requests for every operation of its
 * OpenAPI document (read from the service), after a sweep of the hostile values over each of
 * its fields, one operation after the other and a few requests at
 * a time; paths get ids the service gave out earlier in the run. Reports every 5xx except the
 * ones `allowed` says are the documented answer to an outage (not to the input).
 */
export async function fuzzOpenApi(
  baseUrl: string,
  authFor: (path: string) => Record<string, string>,
  settings: FuzzSettings,
  allowed: (status: number, answer: string) => boolean = () => false,
): Promise<FuzzSummary> {
  const started = Date.now();
  const document = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as OpenApiDocument;
  const operations = operationsOf(document);
  const statuses: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  const ids = new Set<string>();
  const placeholder = encodeUriPart(KNOWN_ID);
  let requestCount = 0;
  for (const [index, op] of operations.entries()) {
    const requests = [
      ...sweepRequests(document, op, authFor(op.path)),
      ...fc.sample(requestsFor(document, op, authFor(op.path)), {
        numRuns: settings.runs,
        seed: settings.seed + index,
      }),
    ];
    const known = [...ids];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const n = next++;
        const generated = requests[n]!;
        const request = {
          ...generated,
          url: generated.url.replaceAll(placeholder, () =>
            known.length > 0 ? encodeUriPart(known[(n * 7919 + index) % known.length]!) : 'unknown-id',
          ),
        };
        const { status, answer } = await send(baseUrl, request);
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
        if (typeof status === 'number' && status < 300) collectIds(answer, ids);
        if (typeof status !== 'number' || (status >= 500 && !allowed(status, answer)))
          failures.push({
            method: request.method,
            url: request.url.slice(0, 300),
            status,
            ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
            ...(request.body !== undefined ? { body: request.body.slice(0, 300) } : {}),
            answer: answer.slice(0, 300),
          });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    requestCount += requests.length;
  }
  return {
    operations: operations.length,
    requests: requestCount,
    statuses,
    failures,
    elapsedMs: Date.now() - started,
  };
}

/** One line per service: operations, requests and the statuses they got. */
export function printFuzzSummary(what: string, settings: FuzzSettings, summary: FuzzSummary): void {
  const statuses = Object.entries(summary.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  process.stdout.write(
    `[fuzz] ${what}: seed ${settings.seed}, ${summary.operations} operations, ${summary.requests} requests in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${statuses}\n`,
  );
}

/** What the checks of one service can reach once it runs. */
export interface BoundaryFuzzContext<C extends ServiceConfig> {
  service(): RunningTestService<C>;
  workspace(): CliWorkspace;
  settings: FuzzSettings;
}

export interface BoundaryFuzzOptions<C extends ServiceConfig> {
  /** Further environment of the service. */
  readonly env?: Record<string, string>;
  /** The headers that authenticate a request to `path`; a Bearer API token of the workspace by default. */
  readonly authFor?: (path: string, workspace: CliWorkspace, adminToken: string) => Record<string, string>;
  /** 5xx answers that are the documented answer to an outage, not to the input (e.g. Kafka slow to acknowledge). */
  readonly allowed?: (status: number, answer: string) => boolean;
  /** Further checks inside the same describe, with the same running service (e.g. its gRPC API). */
  readonly more?: (context: BoundaryFuzzContext<C>) => void;
}

const ADMIN_TOKEN = 'fuzz-admin-token-0123456789';

/**
 * The input boundary of one service, fuzzed: the service on a database of its own, a workspace
 * from the CLI, then generated requests for every operation of its OpenAPI document. No request
 * may get a 5xx, and the service must still be ready after them all.
 */
export function describeInputBoundaryFuzz<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  options: BoundaryFuzzOptions<C> = {},
): void {
  describe(`${definition.name}: input boundary under fuzzing`, () => {
    let db: TestDatabase;
    let service: RunningTestService<C>;
    let workspace: CliWorkspace;
    const settings = fuzzSettings();

    beforeAll(async () => {
      db = await createTestDatabase(`${definition.name}_fuzz`);
      const env = { DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN, ...options.env };
      service = await startTestService(definition, env);
      workspace = await createWorkspaceWithCli(`${definition.name}-fuzz`, env, [service.url]);
    }, 90_000);

    afterAll(async () => {
      await service?.close();
      await db?.drop();
    });

    it('answers every generated and hostile request of every operation without a 5xx, and stays ready', async () => {
      const authFor = (path: string) =>
        options.authFor?.(path, workspace, ADMIN_TOKEN) ?? { authorization: `Bearer ${workspace.token}` };
      const summary = await fuzzOpenApi(service.url, authFor, settings, options.allowed);
      printFuzzSummary(definition.name, settings, summary);
      expect(summary.failures).toEqual([]);
      expect(summary.operations).toBeGreaterThan(0);
      // Most requests got past authentication: the fuzz reached the boundary, not just the guard.
      expect(summary.statuses['401'] ?? 0).toBeLessThan(summary.requests / 2);
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    }, 300_000);

    options.more?.({ service: () => service, workspace: () => workspace, settings });
  });
}
