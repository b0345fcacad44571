import {
  BuiltService,
  TestDatabase,
  createTestDatabase,
  runBuiltScript,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

/**
 * Across processes, as a new user would: the CLI creates a workspace, ingestion takes its write
 * key, and another service (health-scoring) takes its API token without calling ingestion, and
 * refuses it once revoked.
 */
describe('credentials from the CLI reach every service through cs.credentials.v1', () => {
  let db: TestDatabase;
  let ingestion: BuiltService;
  let scoring: BuiltService;
  const env = () => ({ DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789' });

  beforeAll(async () => {
    db = await createTestDatabase('e2e_credentials');
    [ingestion, scoring] = await Promise.all([
      startBuiltService('ingestion', env()),
      startBuiltService('health-scoring', env()),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ingestion?.stop(), scoring?.stop()]);
    await db?.drop();
  });

  it('creates a workspace whose write key ingestion accepts and whose API token health-scoring accepts, until revoked', async () => {
    const created = await runBuiltScript(
      'ingestion',
      'cli.js',
      ['workspace', 'create', 'acme', '--no-fallback-owner'],
      env(),
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { workspace, writeKey, apiToken } = JSON.parse(created.stdout) as {
      workspace: { id: string; name: string };
      writeKey: { secret: string };
      apiToken: { id: string; secret: string; scopes: string[] };
    };
    expect(workspace.name).toBe('acme');
    expect(writeKey.secret).toMatch(/^tzk_wk_/);
    expect(apiToken.scopes).toEqual(['read', 'write', 'admin']);

    const track = await waitFor(
      async () => {
        const response = await fetch(`${ingestion.url}/v1/track`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${writeKey.secret}:`).toString('base64')}`,
          },
          body: JSON.stringify({ userId: 'u1', event: 'Signed In' }),
        });
        return response.status === 200 ? response : undefined;
      },
      { what: 'ingestion to accept the new write key' },
    );
    expect(await track.json()).toEqual({ success: true });

    const whoami = () =>
      fetch(`${scoring.url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${apiToken.secret}` } });
    const accepted = await waitFor(async () => {
      const response = await whoami();
      return response.status === 200 ? response : undefined;
    });
    expect(((await accepted.json()) as { workspaceId: string }).workspaceId).toBe(workspace.id);

    const revoked = await runBuiltScript(
      'ingestion',
      'cli.js',
      ['api-token', 'revoke', workspace.id, apiToken.id],
      env(),
    );
    expect(revoked.code).toBe(0);
    await waitFor(async () => ((await whoami()).status === 401 ? true : undefined), {
      what: 'the revocation to reach health-scoring',
    });
  });

  it('explains a wrong command', async () => {
    const wrong = await runBuiltScript('ingestion', 'cli.js', ['workspace', 'explode'], env());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('usage: npm run cli');
  });
});
