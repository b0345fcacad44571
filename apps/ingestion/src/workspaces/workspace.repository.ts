import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

export interface WorkspaceRow {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

const SQL = defineStatements('ingestion.workspaces', {
  insert: `
    INSERT INTO ingestion.workspaces (id, name, created_at)
    VALUES ($1, $2, $3)`,
  all: `
    SELECT id, name, created_at AS "createdAt"
      FROM ingestion.workspaces
     ORDER BY created_at, id`,
  exists: `
    SELECT 1 AS found
      FROM ingestion.workspaces
     WHERE id = $1`,
});

/** ingestion.workspaces: the tenants, each with its credentials. */
@Injectable()
export class WorkspaceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, workspace: WorkspaceRow): Promise<void> {
    await manager.query(SQL.insert, [workspace.id, workspace.name, workspace.createdAt.toISOString()]);
  }

  /** Every workspace, oldest first. */
  async all(): Promise<WorkspaceRow[]> {
    return returnedRows<WorkspaceRow>(await this.dataSource.query(SQL.all));
  }

  async exists(workspaceId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return returnedRows(await manager.query(SQL.exists, [workspaceId])).length > 0;
  }
}
