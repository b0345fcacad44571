import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

/** A row of ingestion.workspaces. */
export interface WorkspaceRow {
  readonly id: string;
  readonly name: string;
  readonly created_at: Date;
  readonly fallback_owner: string | null;
  readonly settings_version: number;
  readonly settings_updated_at: Date;
}

const SQL = defineStatements('ingestion.workspaces', {
  insert: `
    INSERT INTO ingestion.workspaces (id, name, created_at, fallback_owner, settings_updated_at)
    VALUES ($1, $2, $3, $4, $3) RETURNING *`,
  byId: `SELECT * FROM ingestion.workspaces WHERE id = $1`,
  all: `SELECT * FROM ingestion.workspaces ORDER BY created_at, id`,
  setFallbackOwner: `
    UPDATE ingestion.workspaces
       SET fallback_owner = $2, settings_version = settings_version + 1, settings_updated_at = $3
     WHERE id = $1 RETURNING *`,
});

/** Workspaces and their settings (ingestion.workspaces); every statement in the caller's transaction. */
@Injectable()
export class WorkspaceRepository {
  async insert(
    m: EntityManager,
    w: { id: string; name: string; createdAt: string; fallbackOwner: string | null },
  ): Promise<WorkspaceRow> {
    const [row]: WorkspaceRow[] = await m.query(SQL.insert, [w.id, w.name, w.createdAt, w.fallbackOwner]);
    return row!;
  }

  async find(m: EntityManager, id: string): Promise<WorkspaceRow | null> {
    const [row]: WorkspaceRow[] = await m.query(SQL.byId, [id]);
    return row ?? null;
  }

  async all(m: EntityManager): Promise<WorkspaceRow[]> {
    return m.query(SQL.all);
  }

  /** Sets the fallback owner as a new settings version; null when there is no such workspace. */
  async setFallbackOwner(
    m: EntityManager,
    id: string,
    fallbackOwner: string | null,
    now: Date,
  ): Promise<WorkspaceRow | null> {
    const [row] = returnedRows<WorkspaceRow>(
      await m.query(SQL.setFallbackOwner, [id, fallbackOwner, now.toISOString()]),
    );
    return row ?? null;
  }
}
