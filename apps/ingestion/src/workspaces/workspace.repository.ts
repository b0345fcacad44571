import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

/** A workspace and its settings (ingestion.workspaces). */
export interface WorkspaceRow {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  /** Who owns the alerts and tasks of accounts that name no owner; null: nobody. */
  readonly fallbackOwner: string | null;
  /** Counts the changes of the settings from 1. */
  readonly settingsVersion: number;
  readonly settingsUpdatedAt: Date;
}

const COLUMNS = `id, name, created_at AS "createdAt", fallback_owner AS "fallbackOwner",
  settings_version AS "settingsVersion", settings_updated_at AS "settingsUpdatedAt"`;

const SQL = defineStatements('ingestion.workspaces', {
  insert: `
    INSERT INTO ingestion.workspaces (id, name, created_at, fallback_owner, settings_updated_at)
    VALUES ($1, $2, $3, $4, $3) RETURNING ${COLUMNS}`,
  byId: `SELECT ${COLUMNS} FROM ingestion.workspaces WHERE id = $1`,
  all: `
    SELECT ${COLUMNS}
      FROM ingestion.workspaces
     ORDER BY created_at, id`,
  exists: `
    SELECT 1 AS found
      FROM ingestion.workspaces
     WHERE id = $1`,
  setFallbackOwner: `
    UPDATE ingestion.workspaces
       SET fallback_owner = $2, settings_version = settings_version + 1, settings_updated_at = $3
     WHERE id = $1 RETURNING ${COLUMNS}`,
});

/** ingestion.workspaces: the tenants, each with its credentials and its settings. */
@Injectable()
export class WorkspaceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    workspace: { id: string; name: string; createdAt: Date; fallbackOwner: string | null },
  ): Promise<WorkspaceRow> {
    const [row] = returnedRows<WorkspaceRow>(
      await manager.query(SQL.insert, [
        workspace.id,
        workspace.name,
        workspace.createdAt.toISOString(),
        workspace.fallbackOwner,
      ]),
    );
    return row!;
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<WorkspaceRow | null> {
    const [row] = returnedRows<WorkspaceRow>(await manager.query(SQL.byId, [id]));
    return row ?? null;
  }

  /** Every workspace, oldest first. */
  async all(): Promise<WorkspaceRow[]> {
    return returnedRows<WorkspaceRow>(await this.dataSource.query(SQL.all));
  }

  async exists(workspaceId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return returnedRows(await manager.query(SQL.exists, [workspaceId])).length > 0;
  }

  /** Sets the fallback owner as a new settings version; null when there is no such workspace. */
  async setFallbackOwner(
    manager: EntityManager,
    id: string,
    fallbackOwner: string | null,
    now: Date,
  ): Promise<WorkspaceRow | null> {
    const [row] = returnedRows<WorkspaceRow>(
      await manager.query(SQL.setFallbackOwner, [id, fallbackOwner, now.toISOString()]),
    );
    return row ?? null;
  }
}
