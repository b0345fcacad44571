import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiScope, CredentialRecord } from '@tsuzuku/contracts';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

export type CredentialKind = CredentialRecord['kind'];

/** A credential as stored: its secret only as a hash, and the prefix shown to tell keys apart. */
export interface CredentialRow {
  readonly id: string;
  readonly kind: CredentialKind;
  readonly workspaceId: string;
  readonly label: string;
  readonly scopes: ApiScope[];
  readonly secretHash: string;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export type NewCredential = Omit<CredentialRow, 'revokedAt'>;

const COLUMNS = `id, kind, workspace_id AS "workspaceId", label, scopes, secret_hash AS "secretHash", prefix,
       created_at AS "createdAt", revoked_at AS "revokedAt"`;

const SQL = defineStatements('ingestion.credentials', {
  insert: `
    INSERT INTO ingestion.credentials (id, kind, workspace_id, label, scopes, secret_hash, prefix, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    RETURNING ${COLUMNS}`,
  ofWorkspace: `
    SELECT ${COLUMNS}
      FROM ingestion.credentials
     WHERE workspace_id = $1 AND kind = $2
     ORDER BY created_at, id`,
  lockOne: `
    SELECT ${COLUMNS}
      FROM ingestion.credentials
     WHERE id = $1 AND workspace_id = $2 AND kind = $3
       FOR UPDATE`,
  revoke: `
    UPDATE ingestion.credentials SET revoked_at = $2
     WHERE id = $1
    RETURNING ${COLUMNS}`,
  byIds: `
    SELECT ${COLUMNS}
      FROM ingestion.credentials
     WHERE id = ANY($1::text[])`,
});

/** ingestion.credentials: the workspaces' write keys and API tokens. */
@Injectable()
export class CredentialRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, credential: NewCredential): Promise<CredentialRow> {
    const [row] = returnedRows<CredentialRow>(
      await manager.query(SQL.insert, [
        credential.id,
        credential.kind,
        credential.workspaceId,
        credential.label,
        credential.scopes,
        credential.secretHash,
        credential.prefix,
        credential.createdAt.toISOString(),
      ]),
    );
    return row!;
  }

  /** A workspace's credentials of one kind, revoked ones included, oldest first. */
  async ofWorkspace(workspaceId: string, kind: CredentialKind): Promise<CredentialRow[]> {
    return returnedRows<CredentialRow>(await this.dataSource.query(SQL.ofWorkspace, [workspaceId, kind]));
  }

  /** The credential, locked until the transaction ends; undefined when the workspace has none such. */
  async lockOne(
    manager: EntityManager,
    workspaceId: string,
    kind: CredentialKind,
    id: string,
  ): Promise<CredentialRow | undefined> {
    const [row] = returnedRows<CredentialRow>(await manager.query(SQL.lockOne, [id, workspaceId, kind]));
    return row;
  }

  async revoke(manager: EntityManager, id: string, at: Date): Promise<CredentialRow> {
    const [row] = returnedRows<CredentialRow>(await manager.query(SQL.revoke, [id, at.toISOString()]));
    return row!;
  }

  async byIds(ids: readonly string[]): Promise<CredentialRow[]> {
    return returnedRows<CredentialRow>(await this.dataSource.query(SQL.byIds, [ids]));
  }
}
