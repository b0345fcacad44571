import { randomUUID } from 'node:crypto';
import {
  BuiltService,
  CliWorkspace,
  TestDatabase,
  createTestDatabase,
  alertNewAccountsAtOnce,
  createWorkspaceWithCli,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'] as const;
type ServiceName = (typeof SERVICES)[number];
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

interface Operation {
  readonly service: ServiceName;
  readonly method: string;
  readonly path: string;
  /** How the operation authenticates: an API token, a write key, the admin token, or not at all. */
  readonly kind: 'bearer' | 'write-key' | 'admin' | 'public';
  /** The scopes its 403 names (RequireScopes documents them). */
  readonly scopes: readonly string[];
  readonly hasBody: boolean;
}

interface OpenApiOperation {
  security?: Record<string, unknown>[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string }>;
}

/** Every operation of a service's OpenAPI document. */
function operationsOf(
  service: ServiceName,
  document: { paths: Record<string, Record<string, OpenApiOperation>> },
) {
  const operations: Operation[] = [];
  for (const [path, byMethod] of Object.entries(document.paths))
    for (const method of METHODS) {
      const op = byMethod[method];
      if (!op) continue;
      const security = (op.security ?? []).flatMap((s) => Object.keys(s));
      const kind = path.startsWith('/admin/')
        ? 'admin'
        : security.includes('basic')
          ? 'write-key'
          : security.includes('bearer')
            ? 'bearer'
            : 'public';
      const forbidden = op.responses?.['403']?.description ?? '';
      const scopes = /lacks a scope: (.+)$/.exec(forbidden)?.[1]?.split(', ') ?? [];
      operations.push({
        service,
        method: method.toUpperCase(),
        path,
        kind,
        scopes,
        hasBody: !!op.requestBody,
      });
    }
  return operations;
}

/**
 * The isolation matrix, generated from the OpenAPI documents of the five running services:
 * every operation is called with no token, a malformed one, a write key, another workspace's
 * token, and tokens of the right workspace with only the read or only the write scope; each
 * answer must be 401, 403 or 404 as the case requires, and no answer may hold workspace A's data.
 * Then every PUT and PATCH is sent bodies that are not a whole resource: 400, nothing changes.
 */
describe('workspace isolation and whole-resource PUTs, over every documented operation', () => {
  const mark = `iso${randomUUID().slice(0, 8)}`;
  const account = `acct-${mark}`;
  let db: TestDatabase;
  let services: Record<ServiceName, BuiltService>;
  let operations: Operation[];
  let a: CliWorkspace;
  let b: CliWorkspace;
  let readOnlyA: string;
  let writeOnlyA: string;
  /** What only workspace A has: its id, the mark in its names, the ids in its answers. */
  let secretsOfA: Set<string>;
  const env = () => ({
    DATABASE_URL: db.url,
    TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN,
    // The matrix fails authentication on purpose, hundreds of times from one address.
    AUTH_FAILURES_PER_MINUTE: '1000000',
  });
  const url = (service: ServiceName) => services[service].url;

  const call = async (
    service: ServiceName,
    method: string,
    path: string,
    { authorization, body }: { authorization?: string; body?: string } = {},
  ) => {
    const response = await fetch(`${url(service)}${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });
    return { status: response.status, text: await response.text() };
  };
  const json = async <T>(
    service: ServiceName,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ) => {
    const answer = await call(service, method, path, {
      authorization: `Bearer ${token}`,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status >= 300) throw new Error(`${method} ${service}${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as T;
  };
  const itemsOf = (body: unknown): { id?: unknown }[] => {
    if (Array.isArray(body)) return body as { id?: unknown }[];
    const items = (body as { items?: unknown }).items;
    return Array.isArray(items) ? (items as { id?: unknown }[]) : [];
  };

  /** Everything a workspace's own token reads from the collections (GET without path parameters). */
  const readAll = async (token: string): Promise<string> => {
    const answers = await Promise.all(
      operations
        .filter((op) => op.kind === 'bearer' && op.method === 'GET' && !op.path.includes('{'))
        .map(
          async (op) => (await call(op.service, 'GET', op.path, { authorization: `Bearer ${token}` })).text,
        ),
    );
    return answers.join('\n');
  };

  /** The path with workspace A's values: its account, its workspace, and real ids of its resources. */
  const filled = async (op: Operation): Promise<string> => {
    let path = op.path;
    for (const [, name] of op.path.matchAll(/\{(\w+)\}/g)) {
      let value: string;
      if (name === 'accountId') value = account;
      else if (name === 'workspaceId') value = a.workspaceId;
      else if (name === 'version') value = '1';
      else if (name === 'type') value = 'track';
      else {
        const parent = path.slice(0, path.indexOf(`/{${name}}`));
        const token = op.kind === 'admin' ? ADMIN_TOKEN : a.token;
        const first = itemsOf(await json(op.service, 'GET', parent, token))[0];
        if (typeof first?.id !== 'string')
          throw new Error(`workspace A has nothing at ${op.service}${parent}`);
        value = first.id;
      }
      path = path.replace(`{${name}}`, encodeURIComponent(value));
    }
    return path;
  };

  beforeAll(async () => {
    db = await createTestDatabase('e2e_isolation');
    // Five processes starting at once on a busy machine: a generous wait, and none left running.
    const started = await Promise.allSettled(SERVICES.map((name) => startBuiltService(name, env(), 240_000)));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      throw failed.reason;
    }
    services = Object.fromEntries(
      SERVICES.map((name, i) => [name, (started[i] as PromiseFulfilledResult<BuiltService>).value]),
    ) as Record<ServiceName, BuiltService>;
    operations = (
      await Promise.all(
        SERVICES.map(async (name) =>
          operationsOf(name, (await (await fetch(`${url(name)}/docs/openapi.json`)).json()) as never),
        ),
      )
    ).flat();

    const bearerServices = SERVICES.filter((s) => s !== 'ingestion').map(url);
    a = await createWorkspaceWithCli(`${mark}-a`, env(), bearerServices);
    b = await createWorkspaceWithCli('isolation-b', env(), bearerServices);
    const scoped = async (scopes: string[]) => {
      const issued = await fetch(`${url('ingestion')}/admin/workspaces/${a.workspaceId}/api-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `only-${scopes.join('-')}`, scopes }),
      });
      const { secret } = (await issued.json()) as { secret: string };
      for (const service of SERVICES)
        await waitFor(
          async () =>
            (await call(service, 'GET', '/v1/auth/whoami', { authorization: `Bearer ${secret}` })).status ===
            200,
          { what: `${service} to accept the ${scopes.join()} token` },
        );
      return secret;
    };
    readOnlyA = await scoped(['read']);
    writeOnlyA = await scoped(['write']);

    // Workspace A's data, its names marked: a playbook for detractors, a channel, settings, and an
    // account whose NPS detractor raises an alert, starts a run and makes a task.
    await json('playbooks', 'POST', '/v1/playbooks', a.token, {
      name: `${mark} call detractors`,
      description: null,
      enabled: true,
      trigger: { type: 'alert_raised', ruleType: 'nps_detractor' },
      audience: {},
      steps: [{ id: 'call', type: 'task', title: `${mark} call`, dueInDays: 1, priority: 'high' }],
      exit: [],
      holdoutPercent: 0,
    });
    // The account is seconds old: its detractor alert must not wait out the rule's grace period.
    await alertNewAccountsAtOnce(url('alerting'), a.token, ['nps_detractor']);
    await json('alerting', 'POST', '/v1/notification-channels', a.token, {
      name: `${mark} channel`,
      kind: 'email',
      recipients: [`ops-${mark}@example.com`],
    });
    await json('ingestion', 'PUT', '/v1/workspace-settings', a.token, {
      fallbackOwner: `owner-${mark}@example.com`,
    });
    await json('health-scoring', 'POST', '/v1/scorecards', a.token, {
      name: `${mark} scorecard`,
      segment: `segment-${mark}`,
    });
    await json('reporting', 'PUT', '/v1/reports/settings', a.token, { currency: 'USD', rates: { EUR: 1.1 } });
    const writeKey = `Basic ${Buffer.from(`${a.writeKey}:`).toString('base64')}`;
    const day = 86_400_000;
    const sent = await call('ingestion', 'POST', '/v1/batch', {
      authorization: writeKey,
      body: JSON.stringify({
        batch: [
          {
            type: 'group',
            userId: `${mark}-u1`,
            groupId: account,
            timestamp: new Date(Date.now() - 30 * day).toISOString(),
            traits: {
              name: `${mark} Corp`,
              seats: 5,
              mrr: 1000,
              plan: 'pro',
              csm_email: `csm-${mark}@example.com`,
            },
          },
          {
            type: 'track',
            userId: `${mark}-u1`,
            event: 'Subscription Started',
            properties: { mrr: 1000, currency: 'USD', plan: 'pro', seats: 5 },
            timestamp: new Date(Date.now() - 29 * day).toISOString(),
            context: { groupId: account },
          },
          {
            type: 'track',
            userId: `${mark}-u1`,
            event: 'Survey Responded',
            properties: { survey: 'nps', score: 2, comment: `${mark} unhappy` },
            context: { groupId: account },
          },
        ],
      }),
    });
    expect(sent.status).toBe(200);
    await waitFor(
      async () => itemsOf(await json('playbooks', 'GET', '/v1/tasks', a.token)).length > 0 || undefined,
      {
        what: "workspace A's detractor to become an alert, a run and a task",
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );

    // What is A's alone: what A's token reads, less what B's reads too (e.g. shared built-in ids).
    const ofA = await readAll(a.token);
    const ofB = await readAll(b.token);
    const shared = new Set(ofB.match(UUID) ?? []);
    secretsOfA = new Set([a.workspaceId, mark, ...(ofA.match(UUID) ?? []).filter((id) => !shared.has(id))]);
    expect(ofA).toContain(mark);
    expect(secretsOfA.size).toBeGreaterThan(10);
  }, 420_000);

  afterAll(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
    await db?.drop();
  });

  it('finds the operations of the five services in their OpenAPI documents', () => {
    for (const service of SERVICES) {
      const ofService = operations.filter((op) => op.service === service && op.kind !== 'public');
      expect(ofService.length).toBeGreaterThanOrEqual(service === 'reporting' ? 8 : 10);
    }
    expect(operations.filter((op) => op.kind === 'admin').length).toBeGreaterThanOrEqual(9);
    expect(operations.filter((op) => op.kind === 'write-key').length).toBe(3);
  });

  it.each(SERVICES)(
    '%s: every operation refuses the wrong credential with 401, 403 or 404, and never answers with A’s data',
    async (service) => {
      const problems: string[] = [];
      let checked = 0;
      for (const op of operations.filter((o) => o.service === service && o.kind !== 'public')) {
        const path = await filled(op);
        const body = op.hasBody ? '{}' : undefined;
        const bearer = (token: string) => `Bearer ${token}`;
        const wants = (scope: string) => op.scopes.includes(scope);
        // [who, Authorization header, the statuses allowed]
        type Case = readonly [string, string | undefined, readonly number[]];
        const cases: readonly Case[] =
          op.kind === 'write-key'
            ? [
                ['no credential', undefined, [401]],
                ['a malformed write key', 'Basic %%%', [401]],
                ["another workspace's API token", bearer(b.token), [401]],
                ['a read-only API token', bearer(readOnlyA), [401]],
              ]
            : op.kind === 'admin'
              ? [
                  ['no token', undefined, [401]],
                  ['a malformed token', 'Bearer', [401]],
                  ['a write key', bearer(a.writeKey), [401]],
                  ["another workspace's API token", bearer(b.token), [401]],
                  ['an API token with every scope', bearer(a.token), [401]],
                  ['a read-only API token', bearer(readOnlyA), [401]],
                  ['a write-only API token', bearer(writeOnlyA), [401]],
                ]
              : [
                  ['no token', undefined, [401]],
                  ['a malformed token', 'Bearer not a token', [401]],
                  [
                    'a token of another scheme',
                    `Basic ${Buffer.from(`${a.token}:`).toString('base64')}`,
                    [401],
                  ],
                  ['a write key', bearer(a.writeKey), [401]],
                  // On A's resources, B's token finds nothing (or its empty body is refused first);
                  // on its own collections it may succeed, and must show none of A's data.
                  [
                    "another workspace's API token",
                    bearer(b.token),
                    op.path.includes('{') ? [400, 404] : [200, 201, 204, 400, 404, 409],
                  ],
                  ...(wants('write') || wants('admin')
                    ? [['a read-only API token', bearer(readOnlyA), [403]] as Case]
                    : []),
                  ...(wants('read') || wants('admin')
                    ? [['a write-only API token', bearer(writeOnlyA), [403]] as Case]
                    : []),
                ];
        for (const [who, authorization, allowed] of cases) {
          const answer = await call(service, op.method, path, { authorization, body });
          checked++;
          const where = `${op.method} ${op.path} with ${who}`;
          if (!allowed.includes(answer.status))
            problems.push(
              `${where}: ${answer.status}, expected ${allowed.join(' or ')}: ${answer.text.slice(0, 200)}`,
            );
          // What the request itself named (A's ids in the path) may be echoed; nothing else of A's.
          const leaked = [...secretsOfA].filter(
            (secret) => !path.includes(secret) && answer.text.includes(secret),
          );
          if (leaked.length > 0) problems.push(`${where}: the answer holds A's ${leaked.join(', ')}`);
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(20);
      // The control: the same check finds A's data in what A's own token reads here.
      const own = await Promise.all(
        operations
          .filter(
            (o) =>
              o.service === service && o.kind === 'bearer' && o.method === 'GET' && !o.path.includes('{'),
          )
          .map(
            async (o) => (await call(service, 'GET', o.path, { authorization: `Bearer ${a.token}` })).text,
          ),
      );
      expect(
        [...secretsOfA].filter((secret) => own.some((text) => text.includes(secret))).length,
      ).toBeGreaterThan(0);
    },
  );

  it('refuses every PUT and PATCH body that is not a whole resource with 400, and changes nothing', async () => {
    const problems: string[] = [];
    const writes = operations.filter(
      (op) => op.kind === 'bearer' && (op.method === 'PUT' || op.method === 'PATCH'),
    );
    expect(writes.map((op) => `${op.method} ${op.path}`)).toEqual(
      expect.arrayContaining([
        'PUT /v1/settings',
        'PUT /v1/workspace-settings',
        'PUT /v1/reports/settings',
        'PUT /v1/scorecards/{id}',
        'PATCH /v1/scorecards/{id}',
        'PUT /v1/alert-rules/{id}',
        'PUT /v1/notification-channels/{id}',
        'PUT /v1/playbooks/{id}',
        'PATCH /v1/playbooks/{id}',
        'PATCH /v1/tasks/{id}',
      ]),
    );
    for (const op of writes) {
      const path = await filled(op);
      const readable = operations.some(
        (o) => o.service === op.service && o.method === 'GET' && o.path === op.path,
      );
      const before = readable
        ? await call(op.service, 'GET', path, { authorization: `Bearer ${a.token}` })
        : undefined;
      // A PUT's {} lacks its required fields; a PATCH's {} may be a valid (empty) change.
      const bodies = op.method === 'PUT' ? ['null', '[]', '42', '"x"', '{}'] : ['null', '[]', '42', '"x"'];
      for (const body of bodies) {
        const answer = await call(op.service, op.method, path, { authorization: `Bearer ${a.token}`, body });
        if (answer.status !== 400)
          problems.push(`${op.method} ${op.path} ${body}: ${answer.status} ${answer.text.slice(0, 200)}`);
        else if (!(JSON.parse(answer.text) as { message?: unknown }).message)
          problems.push(`${op.method} ${op.path} ${body}: 400 without a message`);
      }
      if (before) {
        const after = await call(op.service, 'GET', path, { authorization: `Bearer ${a.token}` });
        if (after.text !== before.text) problems.push(`${op.method} ${op.path}: the resource changed`);
      }
    }
    expect(problems).toEqual([]);

    // The findings of issue 14, named: {} does not clear the fallback owner, null does not reset the currency.
    const emptySettings = await call('ingestion', 'PUT', '/v1/workspace-settings', {
      authorization: `Bearer ${a.token}`,
      body: '{}',
    });
    expect(emptySettings.status).toBe(400);
    expect(
      (JSON.parse(emptySettings.text) as { errors: { path: string }[] }).errors.map((e) => e.path),
    ).toContain('fallbackOwner');
    expect(await json('ingestion', 'GET', '/v1/workspace-settings', a.token)).toMatchObject({
      fallbackOwner: `owner-${mark}@example.com`,
    });
    expect(
      (
        await call('reporting', 'PUT', '/v1/reports/settings', {
          authorization: `Bearer ${a.token}`,
          body: 'null',
        })
      ).status,
    ).toBe(400);
    expect(await json('reporting', 'GET', '/v1/reports/settings', a.token)).toMatchObject({
      currency: 'USD',
      rates: { EUR: 1.1 },
    });
  });
});
