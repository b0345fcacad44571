import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';

/** A workspace's settings as alerting applies them (from cs.workspaces.v1). */
export interface WorkspaceSettings {
  readonly fallbackOwner: string | null;
  /** The version of the workspace's settings applied last; null before the first. */
  readonly version: number | null;
  readonly updatedAt: string;
}

/** One workspace.settings.updated to apply. */
export interface AppliedSettings {
  readonly workspaceId: string;
  readonly fallbackOwner: string | null;
  readonly version: number;
}

const SQL = defineStatements('alerting.workspace_settings', {
  insertMissing: `
    INSERT INTO alerting.workspace_settings (workspace_id) SELECT unnest($1::text[])
    ON CONFLICT DO NOTHING RETURNING workspace_id AS "workspaceId"`,
  byWorkspace: `
    SELECT fallback_owner AS "fallbackOwner", settings_version AS "version", updated_at AS "updatedAt"
    FROM alerting.workspace_settings WHERE workspace_id = $1`,
  fallbackOwners: `
    SELECT workspace_id AS "workspaceId", fallback_owner AS "fallbackOwner"
    FROM alerting.workspace_settings WHERE workspace_id = ANY($1)`,
  // A version older than the one applied (a replay, a redelivery) changes nothing. Answers each
  // workspace changed with its fallback owner before (o: the row as the statement found it).
  apply: `
    UPDATE alerting.workspace_settings AS w
       SET fallback_owner = s."fallbackOwner", settings_version = s.version, updated_at = now()
      FROM ${recordset({ workspaceId: 'text', fallbackOwner: 'text', version: 'int' }, { alias: 's' })},
           alerting.workspace_settings AS o
     WHERE w.workspace_id = s."workspaceId" AND o.workspace_id = w.workspace_id
       AND (w.settings_version IS NULL OR w.settings_version < s.version)
    RETURNING w.workspace_id AS "workspaceId", o.fallback_owner AS "formerFallbackOwner",
      w.fallback_owner AS "fallbackOwner"`,
});

/** A workspace whose settings were applied, with its fallback owner before and after. */
export interface FallbackOwnerChange {
  readonly workspaceId: string;
  readonly formerFallbackOwner: string | null;
  readonly fallbackOwner: string | null;
}

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
    const [row]: { fallbackOwner: string | null; version: number | null; updatedAt: Date }[] = await m.query(
      SQL.byWorkspace,
      [workspaceId],
    );
    return row ? { ...row, updatedAt: row.updatedAt.toISOString() } : null;
  }

  /** The fallback owner of each of these workspaces that has settings. */
  async fallbackOwners(
    m: EntityManager,
    workspaceIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    const rows: { workspaceId: string; fallbackOwner: string | null }[] = await m.query(SQL.fallbackOwners, [
      workspaceIds,
    ]);
    return new Map(rows.map((r) => [r.workspaceId, r.fallbackOwner]));
  }

  /**
   * Applies settings of recorded workspaces, each only when newer than the one applied; answers
   * the workspaces applied, with their fallback owner before and after.
   */
  async apply(m: EntityManager, settings: readonly AppliedSettings[]): Promise<FallbackOwnerChange[]> {
    if (settings.length === 0) return [];
    return returnedRows<FallbackOwnerChange>(await m.query(SQL.apply, [recordsetParam(settings)]));
  }
}
