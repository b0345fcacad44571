import { randomUUID } from 'node:crypto';
import {
  BuiltService,
  CliWorkspace,
  ShapeDocument,
  TestDatabase,
  apiShapeProblems,
  createTestDatabase,
  createWorkspaceWithCli,
  isListOperation,
  startBuiltService,
} from '@tsuzuku/platform-testing';

const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'] as const;
type ServiceName = (typeof SERVICES)[number];
const ADMIN_TOKEN = 'e2e-admin-token-shape-0123456789';

interface ListOperation {
  readonly service: ServiceName;
  readonly path: string;
  readonly admin: boolean;
}

/**
 * The query a list needs besides limit and cursor (its required parameters), by service and path:
 * a report whose rows come a page at a time after its monthly totals.
 */
const REQUIRED_QUERY: Readonly<Record<string, string>> = {
  'reporting /v1/reports/mrr-movements': 'from=2026-01&to=2026-03&detail=true&',
};

/**
 * One shape over the five services, walked from the OpenAPI document each serves at
 * /docs/openapi.json (whatever operations they have when this runs): every list answers
 * `{ items, nextCursor }` a page at a time, every delete answers 204 with no body, and a refused
 * query string says `in: 'query'`.
 */
describe('lists, deletes and query errors answer one way in every service', () => {
  const mark = `shape${randomUUID().slice(0, 8)}`;
  let db: TestDatabase;
  let services: Record<ServiceName, BuiltService>;
  let documents: Record<ServiceName, ShapeDocument>;
  let lists: ListOperation[];
  /** Every GET that takes a query string (lists, reports, histories). */
  let queried: ListOperation[];
  let ws: CliWorkspace;
  const env = () => ({ DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN });
  const url = (service: ServiceName) => services[service].url;

  const call = async (
    service: ServiceName,
    method: string,
    path: string,
    { token, body }: { token?: string; body?: unknown } = {},
  ) => {
    const response = await fetch(`${url(service)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token ?? ws.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json: json as Record<string, unknown> };
  };

  /** The list's path with this workspace's values; undefined for a path parameter it cannot fill. */
  const filled = (op: ListOperation): string | undefined => {
    let path = op.path;
    for (const [, name] of op.path.matchAll(/\{(\w+)\}/g)) {
      if (name !== 'workspaceId') return undefined;
      path = path.replace(`{${name}}`, encodeURIComponent(ws.workspaceId));
    }
    return path;
  };
  const tokenOf = (op: ListOperation) => (op.admin ? ADMIN_TOKEN : ws.token);
  /** The start of the query string of a list: `?` and the parameters it needs. */
  const queryOf = (op: ListOperation) => `?${REQUIRED_QUERY[`${op.service} ${op.path}`] ?? ''}`;
  /** The fields a list's documented answer has: items and nextCursor, and a report's own. */
  const documentedFields = (op: ListOperation): string[] => {
    let schema = documents[op.service].paths[op.path]?.['get']?.responses?.['200']?.content?.[
      'application/json'
    ]?.schema as { $ref?: string; properties?: Record<string, unknown> } | undefined;
    const name = schema?.$ref?.replace('#/components/schemas/', '');
    if (name) schema = documents[op.service].components?.schemas?.[name] as typeof schema;
    return Object.keys(schema?.properties ?? {}).sort();
  };

  beforeAll(async () => {
    db = await createTestDatabase('e2e_api_shape');
    const started = await Promise.allSettled(SERVICES.map((name) => startBuiltService(name, env(), 240_000)));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      throw failed.reason;
    }
    services = Object.fromEntries(
      SERVICES.map((name, i) => [name, (started[i] as PromiseFulfilledResult<BuiltService>).value]),
    ) as Record<ServiceName, BuiltService>;
    documents = Object.fromEntries(
      await Promise.all(
        SERVICES.map(async (name) => [name, await (await fetch(`${url(name)}/docs/openapi.json`)).json()]),
      ),
    ) as Record<ServiceName, ShapeDocument>;
    lists = SERVICES.flatMap((service) =>
      Object.entries(documents[service].paths).flatMap(([path, methods]) =>
        methods['get'] && isListOperation(documents[service], methods['get'])
          ? [{ service, path, admin: path.startsWith('/admin/') }]
          : [],
      ),
    );
    queried = SERVICES.flatMap((service) =>
      Object.entries(documents[service].paths).flatMap(([path, methods]) =>
        (methods['get']?.parameters ?? []).some((p) => p.in === 'query')
          ? [{ service, path, admin: path.startsWith('/admin/') }]
          : [],
      ),
    );
    ws = await createWorkspaceWithCli(mark, env(), SERVICES.filter((s) => s !== 'ingestion').map(url));
    // More than one item in the lists that start empty, so that they have a second page.
    for (const segment of ['Enterprise', 'Mid-Market'])
      expect(
        (
          await call('health-scoring', 'POST', '/v1/scorecards', {
            body: { name: `${mark} ${segment}`, segment },
          })
        ).status,
      ).toBe(201);
    for (const name of ['a', 'b'])
      expect(
        (
          await call('alerting', 'POST', '/v1/notification-channels', {
            body: { name: `${mark} ${name}`, kind: 'email', recipients: [`${name}@example.com`] },
          })
        ).status,
      ).toBe(201);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
    await db?.drop();
  });

  it('documents every list as { items, nextCursor } with limit and cursor, and every delete as 204', () => {
    for (const service of SERVICES) expect(Object.keys(documents[service].paths).length).toBeGreaterThan(2);
    expect(SERVICES.flatMap((service) => apiShapeProblems(service, documents[service]))).toEqual([]);
    // The walk found the lists of the services that have them.
    for (const service of ['ingestion', 'health-scoring', 'alerting', 'playbooks'] as const)
      expect(lists.filter((l) => l.service === service).length).toBeGreaterThan(0);
    // A report whose rows come a page at a time is walked as a list, with no exemption.
    expect(lists.map((l) => `${l.service} ${l.path}`)).toContain('reporting /v1/reports/mrr-movements');
  });

  it('answers every list through HTTP as { items, nextCursor }, page after page to the end', async () => {
    const walked: string[] = [];
    for (const op of lists) {
      const path = filled(op);
      if (path === undefined) continue;
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `${queryOf(op)}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await call(op.service, 'GET', `${path}${query}`, { token: tokenOf(op) });
        expect({ op: `${op.service} ${op.path}`, status: page.status }).toEqual({
          op: `${op.service} ${op.path}`,
          status: 200,
        });
        // Exactly the documented fields; items and nextCursor among them (the schema check above).
        expect({ op: `${op.service} ${op.path}`, fields: Object.keys(page.json).sort() }).toEqual({
          op: `${op.service} ${op.path}`,
          fields: documentedFields(op),
        });
        const items = page.json['items'] as { id?: string; seq?: string }[];
        expect(items.length).toBeLessThanOrEqual(1);
        for (const item of items) seen.push(JSON.stringify(item));
        cursor = page.json['nextCursor'] as string | null;
        expect(cursor === null || typeof cursor === 'string').toBe(true);
        pages++;
      } while (cursor !== null && pages < 50);
      // No item twice across the pages.
      expect(new Set(seen).size).toBe(seen.length);
      walked.push(`${op.service} ${op.path}: ${pages} page(s)`);
    }
    // Lists that hold several items were walked a page at a time.
    const multi = walked.filter((w) => !w.endsWith(': 1 page(s)'));
    expect(multi.length).toBeGreaterThanOrEqual(3);
  });

  it('answers a refused query string with in: query, on every GET that takes one, in every service', async () => {
    const asked = new Set<string>();
    const cases = [
      ...lists.flatMap((op) =>
        ['limit=0', 'cursor=not-a-cursor'].map((query) => ({ op, query: `${queryOf(op)}${query}` })),
      ),
      ...queried.map((op) => ({ op, query: `?unknownField${mark}=1` })),
    ];
    for (const { op, query } of cases) {
      const path = filled(op);
      if (path === undefined) continue;
      asked.add(op.service);
      const refused = await call(op.service, 'GET', `${path}${query}`, { token: tokenOf(op) });
      expect({
        op: `${op.service} ${op.path}${query}`,
        status: refused.status,
        in: refused.json['in'],
      }).toEqual({ op: `${op.service} ${op.path}${query}`, status: 400, in: 'query' });
    }
    // Every service has a GET with a query string it was asked about.
    expect([...asked].sort()).toEqual([...SERVICES].sort());
  });

  it('answers every delete 204 with no body', async () => {
    const deleted: { what: string; status: number; body: string }[] = [];
    const remove = async (what: string, service: ServiceName, path: string, token?: string) => {
      const answer = await call(service, 'DELETE', path, token ? { token } : {});
      deleted.push({ what, status: answer.status, body: answer.text });
    };
    const rule = await call('alerting', 'POST', '/v1/alert-rules', {
      body: { name: `${mark} quiet`, type: 'inactivity', params: { days: 30 }, severity: 'low' },
    });
    await remove('alert rule', 'alerting', `/v1/alert-rules/${rule.json['id'] as string}`);
    const channels = await call('alerting', 'GET', '/v1/notification-channels');
    const channel = (channels.json['items'] as { id: string }[])[0]!;
    await remove('channel', 'alerting', `/v1/notification-channels/${channel.id}`);
    const scorecards = await call('health-scoring', 'GET', '/v1/scorecards');
    const scorecard = (scorecards.json['items'] as { id: string; isDefault: boolean }[]).find(
      (s) => !s.isDefault,
    )!;
    await remove('scorecard', 'health-scoring', `/v1/scorecards/${scorecard.id}`);
    const playbook = await call('playbooks', 'POST', '/v1/playbooks', {
      body: {
        name: `${mark} playbook`,
        description: null,
        enabled: true,
        trigger: { type: 'alert_raised', ruleType: 'inactivity' },
        audience: {},
        steps: [{ id: 'call', type: 'task', title: 'Call', dueInDays: 1, priority: 'high' }],
        exit: [],
        holdoutPercent: 0,
      },
    });
    await remove('playbook', 'playbooks', `/v1/playbooks/${playbook.json['id'] as string}`);
    await call('playbooks', 'PUT', '/v1/email-settings', {
      body: { host: 'smtp.example.com', port: 2525, from: 'cs@example.com' },
    });
    await remove('email settings', 'playbooks', '/v1/email-settings');
    const token = await call('ingestion', 'POST', `/admin/workspaces/${ws.workspaceId}/api-tokens`, {
      token: ADMIN_TOKEN,
      body: { name: `${mark} spare`, scopes: ['read'] },
    });
    await remove(
      'API token',
      'ingestion',
      `/admin/workspaces/${ws.workspaceId}/api-tokens/${token.json['id'] as string}`,
      ADMIN_TOKEN,
    );
    expect(deleted).toEqual(
      ['alert rule', 'channel', 'scorecard', 'playbook', 'email settings', 'API token'].map((what) => ({
        what,
        status: 204,
        body: '',
      })),
    );
  });
});
