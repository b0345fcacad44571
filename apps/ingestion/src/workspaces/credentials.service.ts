import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ApiScope, CredentialRecord } from '@tsuzuku/contracts';
import { CredentialStore, generateSecret, hashSecret } from '@tsuzuku/platform-auth';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import { Clock } from '@tsuzuku/platform-runtime';
import { CredentialKind, CredentialRepository, CredentialRow } from './credential.repository';
import { WorkspaceRepository, WorkspaceRow } from './workspace.repository';
import { workspaceSettingsMessage } from './workspace-settings';
import { CREDENTIALS_TOPIC } from '../topics';
import { WorkspaceException } from './workspace.exception';

export type { CredentialKind };

export interface CredentialView {
  readonly id: string;
  readonly kind: CredentialKind;
  readonly workspaceId: string;
  readonly label: string;
  readonly scopes: ApiScope[];
  readonly prefix: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface IssuedCredential extends CredentialView {
  readonly secret: string;
}

export interface WorkspaceView {
  readonly id: string;
  readonly name: string;
  readonly fallbackOwner: string | null;
  readonly createdAt: string;
}

const workspaceView = (row: WorkspaceRow): WorkspaceView => ({
  id: row.id,
  name: row.name,
  fallbackOwner: row.fallbackOwner,
  createdAt: row.createdAt.toISOString(),
});

/** How long a change waits for the other services to be told before it answers anyway. */
const ANNOUNCE_WAIT_MS = 5_000;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
function newId(prefix: string): string {
  return `${prefix}_${[...randomBytes(14)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

/**
 * Workspaces and their credentials. Secrets are returned once and stored as SHA-256 hashes;
 * every change is announced on cs.credentials.v1 through the outbox, in the same transaction,
 * so every service's credential store follows.
 */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workspaces: WorkspaceRepository,
    private readonly credentials: CredentialRepository,
    private readonly store: CredentialStore,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a workspace with its fallback owner (asked for at creation: null only when said so),
   * a first write key and an admin API token; the settings are announced with the credentials.
   */
  async createWorkspace(
    name: string,
    fallbackOwner: string | null,
  ): Promise<{ workspace: WorkspaceView; writeKey: IssuedCredential; apiToken: IssuedCredential }> {
    const createdAt = this.clock.now();
    const [workspace, writeKey, apiToken] = await this.dataSource.transaction(async (manager) => {
      const row = await this.workspaces.insert(manager, { id: newId('ws'), name, createdAt, fallbackOwner });
      await enqueueOutbox(manager, 'ingestion', [workspaceSettingsMessage(row)]);
      const writeKey = await this.insertCredential(manager, row.id, 'write_key', 'default', []);
      const apiToken = await this.insertCredential(manager, row.id, 'api_token', 'default', [
        'read',
        'write',
        'admin',
      ]);
      return [workspaceView(row), writeKey, apiToken] as const;
    });
    await this.announced([writeKey, apiToken]);
    return { workspace, writeKey, apiToken };
  }

  async listWorkspaces(): Promise<WorkspaceView[]> {
    return (await this.workspaces.all()).map(workspaceView);
  }

  async issue(
    workspaceId: string,
    kind: CredentialKind,
    label: string,
    scopes: ApiScope[],
  ): Promise<IssuedCredential> {
    const issued = await this.dataSource.transaction(async (manager) => {
      await this.requireWorkspace(manager, workspaceId);
      return this.insertCredential(manager, workspaceId, kind, label, scopes);
    });
    await this.announced([issued]);
    return issued;
  }

  async list(workspaceId: string, kind: CredentialKind): Promise<CredentialView[]> {
    await this.requireWorkspace(this.dataSource.manager, workspaceId);
    const rows = await this.credentials.ofWorkspace(workspaceId, kind);
    return rows.map(toView);
  }

  /** Revokes a credential at once and issues a new one with the same label and scopes. */
  async rotate(workspaceId: string, kind: CredentialKind, id: string): Promise<IssuedCredential> {
    const [revoked, issued] = await this.dataSource.transaction(async (manager) => {
      const old = await this.revokeRow(manager, workspaceId, kind, id);
      return [old, await this.insertCredential(manager, workspaceId, kind, old.label, old.scopes)] as const;
    });
    await this.announced([revoked, issued]);
    return issued;
  }

  async revoke(workspaceId: string, kind: CredentialKind, id: string): Promise<CredentialView> {
    const revoked = await this.dataSource.transaction((manager) =>
      this.revokeRow(manager, workspaceId, kind, id),
    );
    await this.announced([revoked]);
    return revoked;
  }

  private async requireWorkspace(manager: EntityManager, workspaceId: string): Promise<void> {
    if (!(await this.workspaces.exists(workspaceId, manager)))
      throw new WorkspaceException('workspace_not_found', `no workspace ${workspaceId}`);
  }

  private async insertCredential(
    manager: EntityManager,
    workspaceId: string,
    kind: CredentialKind,
    label: string,
    scopes: ApiScope[],
  ): Promise<IssuedCredential> {
    const secret = generateSecret(kind);
    const row = await this.credentials.insert(manager, {
      id: newId('cred'),
      kind,
      workspaceId,
      label,
      scopes,
      secretHash: hashSecret(secret),
      prefix: secret.slice(0, 12),
      createdAt: this.clock.now(),
    });
    await this.enqueue(manager, row);
    return { ...toView(row), secret };
  }

  private async revokeRow(
    manager: EntityManager,
    workspaceId: string,
    kind: CredentialKind,
    id: string,
  ): Promise<CredentialView> {
    const row = await this.credentials.lockOne(manager, workspaceId, kind, id);
    if (!row)
      throw new WorkspaceException(
        'credential_not_found',
        `no ${kind.replace('_', ' ')} ${id} in workspace ${workspaceId}`,
      );
    if (row.revokedAt)
      throw new WorkspaceException(
        'credential_revoked',
        `${id} was revoked at ${row.revokedAt.toISOString()}`,
      );
    const updated = await this.credentials.revoke(manager, id, this.clock.now());
    await this.enqueue(manager, updated);
    return toView(updated);
  }

  private async enqueue(manager: EntityManager, row: CredentialRow): Promise<void> {
    await enqueueOutbox(manager, 'ingestion', [
      { topic: CREDENTIALS_TOPIC, key: row.id, value: JSON.stringify(toRecord(row)), headers: {} },
    ]);
  }

  /** Applies the change to this instance's store at once, and waits until the topic has it for the others. */
  private async announced(views: readonly CredentialView[]): Promise<void> {
    const rows = await this.credentials.byIds(views.map((v) => v.id));
    for (const row of rows) this.store.apply(toRecord(row));
    // The records are committed in the outbox: if Kafka is slow they still go out, later.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.relay.flush().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, ANNOUNCE_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }
}

function toView(row: CredentialRow): CredentialView {
  return {
    id: row.id,
    kind: row.kind,
    workspaceId: row.workspaceId,
    label: row.label,
    scopes: row.scopes,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}

function toRecord(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    kind: row.kind,
    workspaceId: row.workspaceId,
    secretHash: row.secretHash,
    scopes: row.scopes,
    label: row.label,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
