import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';

/** One workspace.settings.updated to apply. */
export interface AppliedSettings {
  readonly workspaceId: string;
  readonly fallbackOwner: string | null;
  readonly version: number;
}

const SQL = defineStatements('playbooks.workspaces', {
  fallbackOwners: `
    SELECT workspace_id AS "workspaceId", fallback_owner AS "fallbackOwner"
    FROM playbooks.workspaces WHERE workspace_id = ANY($1::text[])`,
  // A version older than the one applied (a replay, a redelivery) changes nothing. Answers each
  // workspace changed with its fallback owner before (o: the row as the statement found it).
  apply: `
    UPDATE playbooks.workspaces AS w
       SET fallback_owner = s."fallbackOwner", settings_version = s.version
      FROM ${recordset({ workspaceId: 'text', fallbackOwner: 'text', version: 'int' }, { alias: 's' })},
           playbooks.workspaces AS o
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

/** The workspace settings playbooks applies (playbooks.workspaces): the fallback owner of tasks. */
@Injectable()
export class WorkspaceSettingsRepository {
  /** The fallback owner of each of these workspaces that has one. */
  async fallbackOwners(
    m: EntityManager,
    workspaceIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    if (workspaceIds.length === 0) return new Map();
    const rows: { workspaceId: string; fallbackOwner: string | null }[] = await m.query(SQL.fallbackOwners, [
      [...new Set(workspaceIds)],
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
