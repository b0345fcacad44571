import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

/** A workspace's alerting settings. */
export interface WorkspaceSettings {
  readonly defaultOwner: string | null;
  readonly updatedAt: string;
}

const SQL = defineStatements('alerting.workspace_settings', {
  insertMissing: `
    INSERT INTO alerting.workspace_settings (workspace_id) SELECT unnest($1::text[])
    ON CONFLICT DO NOTHING RETURNING workspace_id AS "workspaceId"`,
  byWorkspace: `
    SELECT default_owner AS "defaultOwner", updated_at AS "updatedAt"
    FROM alerting.workspace_settings WHERE workspace_id = $1`,
  defaultOwners: `
    SELECT workspace_id AS "workspaceId", default_owner AS "defaultOwner"
    FROM alerting.workspace_settings WHERE workspace_id = ANY($1)`,
  setDefaultOwner: `
    UPDATE alerting.workspace_settings SET default_owner = $2, updated_at = now() WHERE workspace_id = $1
    RETURNING default_owner AS "defaultOwner", updated_at AS "updatedAt"`,
});

const settingsOf = (row: { defaultOwner: string | null; updatedAt: Date }): WorkspaceSettings => ({
  defaultOwner: row.defaultOwner,
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * The workspaces alerting knows (alerting.workspace_settings) and their settings; every
 * statement runs in the caller's transaction.
 */
@Injectable()
export class WorkspaceSettingsRepository {
  /** Records workspaces on first sight; answers the ones that were new. */
  async insertMissing(m: EntityManager, workspaceIds: readonly string[]): Promise<string[]> {
    if (workspaceIds.length === 0) return [];
    const rows: { workspaceId: string }[] = await m.query(SQL.insertMissing, [
      [...new Set(workspaceIds)].sort(),
    ]);
    return rows.map((r) => r.workspaceId);
  }

  async find(m: EntityManager, workspaceId: string): Promise<WorkspaceSettings | null> {
    const [row]: { defaultOwner: string | null; updatedAt: Date }[] = await m.query(SQL.byWorkspace, [
      workspaceId,
    ]);
    return row ? settingsOf(row) : null;
  }

  /** The default owner of each of these workspaces that has settings. */
  async defaultOwners(
    m: EntityManager,
    workspaceIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    const rows: { workspaceId: string; defaultOwner: string | null }[] = await m.query(SQL.defaultOwners, [
      workspaceIds,
    ]);
    return new Map(rows.map((r) => [r.workspaceId, r.defaultOwner]));
  }

  async setDefaultOwner(
    m: EntityManager,
    workspaceId: string,
    defaultOwner: string | null,
  ): Promise<WorkspaceSettings | null> {
    const [row] = returnedRows<{ defaultOwner: string | null; updatedAt: Date }>(
      await m.query(SQL.setDefaultOwner, [workspaceId, defaultOwner]),
    );
    return row ? settingsOf(row) : null;
  }
}
