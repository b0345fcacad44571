import { Topic } from '@tsuzuku/contracts';
import { CredentialStore } from '@tsuzuku/platform-auth';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ConsumerRunner, KafkaConnection, TopicProvisioner } from '@tsuzuku/platform-kafka';
import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { ingestionDatabase } from '../../src/database/ingestion.database';
import { CredentialRepository } from '../../src/workspaces/credential.repository';
import { CredentialsService } from '../../src/workspaces/credentials.service';
import { WorkspaceRepository } from '../../src/workspaces/workspace.repository';
import { StillRelay } from './factories';

/**
 * Workspaces and credentials with their real repositories on a migrated database: no HTTP, no
 * Kafka (the changes stay in ingestion.outbox; the relay only counts flushes), time from a
 * ManualClock. The credential store is the real one, fed by the service as it is in production.
 */
describe('workspaces and credentials on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let relay: StillRelay;
  let store: CredentialStore;
  let service: CredentialsService;

  beforeAll(async () => {
    database = await createMigratedDatabase('ingestion_medium_credentials', ingestionDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(new Date('2026-05-04T09:30:00.000Z'));
    relay = new StillRelay();
    // Never started, so it reads no topic: it holds what the service applies to it.
    store = new CredentialStore(
      { clientId: 'ingestion-medium' } as KafkaConnection,
      {} as ConsumerRunner,
      {} as TopicProvisioner,
      { INSTANCE_ID: 'medium' } as ServiceConfig,
    );
    service = new CredentialsService(
      ds,
      new WorkspaceRepository(ds),
      new CredentialRepository(ds),
      store,
      relay.asRelay(),
      clock,
    );
  });

  afterAll(async () => {
    await database?.close();
  });

  const outboxOf = (ids: readonly string[]) =>
    database.db.query<{ topic: string; message_key: string; value: string }>(
      'SELECT topic, message_key, value FROM ingestion.outbox WHERE message_key = ANY($1::text[]) ORDER BY id',
      [ids],
    );

  it('creates a workspace whose write key and admin token authenticate at once, announced through the outbox', async () => {
    const flushesBefore = relay.flushes;
    const { workspace, writeKey, apiToken } = await service.createWorkspace('Acme', 'team@acme.example');

    expect(workspace.createdAt).toBe(clock.now().toISOString());
    expect(writeKey).toMatchObject({
      workspaceId: workspace.id,
      kind: 'write_key',
      createdAt: workspace.createdAt,
    });
    expect(store.authenticate(writeKey.secret, 'write_key')?.workspaceId).toBe(workspace.id);
    expect(store.authenticate(apiToken.secret, 'api_token')?.scopes).toEqual(['read', 'write', 'admin']);
    expect(store.authenticate(writeKey.secret, 'api_token')).toBeUndefined();
    expect((await service.listWorkspaces()).find((w) => w.id === workspace.id)).toEqual(workspace);

    expect(workspace.fallbackOwner).toBe('team@acme.example');
    // Its settings (the fallback owner) are announced in the same transaction, keyed by the workspace.
    expect((await outboxOf([workspace.id])).map((row) => [row.topic, row.message_key])).toEqual([
      [Topic.Workspaces, workspace.id],
    ]);
    const announced = await outboxOf([writeKey.id, apiToken.id]);
    expect(announced.map((row) => [row.topic, row.message_key])).toEqual([
      [Topic.Credentials, writeKey.id],
      [Topic.Credentials, apiToken.id],
    ]);
    // The record carries the hash only: the secret is returned once and stored nowhere.
    for (const row of announced)
      for (const secret of [writeKey.secret, apiToken.secret]) expect(row.value).not.toContain(secret);
    expect(relay.flushes).toBeGreaterThan(flushesBefore);
  });

  it("rotating revokes the old token at the clock's time and issues one with its label and scopes", async () => {
    const { workspace } = await service.createWorkspace('Rotations', null);
    const exports = await service.issue(workspace.id, 'api_token', 'exports', ['read']);
    clock.advance(3_600_000);

    const next = await service.rotate(workspace.id, 'api_token', exports.id);

    expect(next).toMatchObject({ label: 'exports', scopes: ['read'], createdAt: clock.now().toISOString() });
    expect(store.authenticate(exports.secret, 'api_token')).toBeUndefined();
    expect(store.authenticate(next.secret, 'api_token')?.id).toBe(next.id);
    const listed = await service.list(workspace.id, 'api_token');
    expect(listed.find((c) => c.id === exports.id)?.revokedAt).toBe(clock.now().toISOString());
    expect(listed.find((c) => c.id === next.id)?.revokedAt).toBeNull();
    await expect(service.revoke(workspace.id, 'api_token', exports.id)).rejects.toMatchObject({
      code: 'credential_revoked',
    });
    expect((await outboxOf([exports.id])).map((row) => JSON.parse(row.value).revokedAt)).toEqual([
      null,
      clock.now().toISOString(),
    ]);
  });

  it('finds a credential only in its own workspace and kind, and no credential in a workspace that does not exist', async () => {
    const a = await service.createWorkspace('A', null);
    const b = await service.createWorkspace('B', null);

    await expect(service.revoke(b.workspace.id, 'write_key', a.writeKey.id)).rejects.toMatchObject({
      code: 'credential_not_found',
    });
    await expect(service.revoke(a.workspace.id, 'api_token', a.writeKey.id)).rejects.toMatchObject({
      code: 'credential_not_found',
    });
    await expect(service.issue('ws_missing', 'write_key', 'extra', [])).rejects.toMatchObject({
      code: 'workspace_not_found',
    });
    await expect(service.list('ws_missing', 'write_key')).rejects.toMatchObject({
      code: 'workspace_not_found',
    });
    expect(store.authenticate(a.writeKey.secret, 'write_key')?.id).toBe(a.writeKey.id);
  });
});
