import { Topic } from '@tsuzuku/contracts';
import { TopicReader, runBuiltScript, waitFor } from '@tsuzuku/platform-testing';
import { ADMIN_TOKEN, RunningIngestion, createWorkspace, startIngestion } from './ingestion-harness';

interface Settings {
  workspaceId: string;
  fallbackOwner: string | null;
  version: number;
}
interface Announced {
  type: string;
  workspaceId: string;
  accountId: string | null;
  data: { name: string; fallbackOwner: string | null; version: number };
}

/**
 * The fallback owner: asked for when a workspace is created (admin API and CLI), read and
 * replaced with the workspace's API token, and every version announced on cs.workspaces.v1
 * keyed by the workspace.
 */
describe('ingestion: the workspace fallback owner', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  let ingestion: RunningIngestion;
  let reader: TopicReader;

  beforeAll(async () => {
    ingestion = await startIngestion({}, 'ingestion_workspace_settings');
    reader = await new TopicReader(brokers).start([Topic.Workspaces]);
  });

  afterAll(async () => {
    await reader?.stop();
    await ingestion?.close();
  });

  const admin = (body: unknown) =>
    fetch(`${ingestion.service.url}/admin/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const settings = async (token: string, method = 'GET', body?: unknown) => {
    const response = await fetch(`${ingestion.service.url}/v1/workspace-settings`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Settings & Record<string, unknown> };
  };
  const announced = (workspaceId: string, version: number) =>
    waitFor(
      () =>
        reader.messages
          .filter((m) => m.key === workspaceId)
          .map((m) => JSON.parse(m.value!) as Announced)
          .find((e) => e.data.version === version),
      { what: `version ${version} of ${workspaceId} on cs.workspaces.v1` },
    );

  it('refuses a workspace without a fallback owner said out loud, and a wrong one (400 in body)', async () => {
    for (const body of [{ name: 'no-owner' }, { name: 'bad-owner', fallbackOwner: 'not-an-email' }]) {
      const response = await admin(body);
      expect(response.status).toBe(400);
      const refusal = (await response.json()) as { in: string; errors: { path: string; message: string }[] };
      expect(refusal.in).toBe('body');
      expect(refusal.errors.map((e) => e.path)).toContain('fallbackOwner');
    }
    const none = await admin({ name: 'said-none', fallbackOwner: null });
    expect(none.status).toBe(201);
    expect(
      ((await none.json()) as { workspace: { fallbackOwner: null } }).workspace.fallbackOwner,
    ).toBeNull();
  });

  it('announces the fallback owner given at creation and each change, a version each, keyed by the workspace', async () => {
    const ws = await createWorkspace(ingestion.service.url, 'acme', 'team@acme.example');
    const created = await announced(ws.id, 1);
    expect(created).toMatchObject({
      type: 'workspace.settings.updated',
      workspaceId: ws.id,
      accountId: null,
      data: { name: 'acme', fallbackOwner: 'team@acme.example', version: 1 },
    });
    expect((await settings(ws.apiToken)).body).toMatchObject({
      fallbackOwner: 'team@acme.example',
      version: 1,
    });

    const changed = await settings(ws.apiToken, 'PUT', { fallbackOwner: 'lead@acme.example' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      workspaceId: ws.id,
      fallbackOwner: 'lead@acme.example',
      version: 2,
    });
    expect((await announced(ws.id, 2)).data.fallbackOwner).toBe('lead@acme.example');

    const cleared = await settings(ws.apiToken, 'PUT', { fallbackOwner: null });
    expect(cleared.body).toMatchObject({ fallbackOwner: null, version: 3 });
    expect((await announced(ws.id, 3)).data.fallbackOwner).toBeNull();

    const empty = await settings(ws.apiToken, 'PUT', {});
    expect(empty.status).toBe(400);
    expect(empty.body['in']).toBe('body');
    expect((await settings(ws.apiToken)).body.version).toBe(3);

    // Another workspace's token sees its own settings only.
    const other = await createWorkspace(ingestion.service.url, 'other', null);
    expect((await settings(other.apiToken)).body).toMatchObject({
      workspaceId: other.id,
      fallbackOwner: null,
    });
  });

  it('the CLI asks for the fallback owner: refused without one, created with one or with none said', async () => {
    const env = { DATABASE_URL: ingestion.db.url };
    const missing = await runBuiltScript('ingestion', 'cli.js', ['workspace', 'create', 'cli-co'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--fallback-owner');
    const bad = await runBuiltScript(
      'ingestion',
      'cli.js',
      ['workspace', 'create', 'cli-co', '--fallback-owner', 'nobody'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nobody" is not an email address');

    const made = await runBuiltScript(
      'ingestion',
      'cli.js',
      ['workspace', 'create', 'cli-co', '--fallback-owner', 'cs@cli.example'],
      env,
    );
    expect(made.code).toBe(0);
    const { workspace } = JSON.parse(made.stdout) as { workspace: { id: string; fallbackOwner: string } };
    expect(workspace.fallbackOwner).toBe('cs@cli.example');
    expect((await announced(workspace.id, 1)).data.fallbackOwner).toBe('cs@cli.example');

    const none = await runBuiltScript(
      'ingestion',
      'cli.js',
      ['workspace', 'create', 'cli-none', '--no-fallback-owner'],
      env,
    );
    expect(none.code).toBe(0);
    expect(
      (JSON.parse(none.stdout) as { workspace: { fallbackOwner: null } }).workspace.fallbackOwner,
    ).toBeNull();
  });
});
