import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';

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
  // A version older than the one applied (a replay, a redelivery) changes nothing.
  apply: `
    UPDATE playbooks.workspaces AS w
       SET fallback_owner = s."fallbackOwner", settings_version = s.version
      FROM ${recordset({ workspaceId: 'text', fallbackOwner: 'text', version: 'int' }, { alias: 's' })}
     WHERE w.workspace_id = s."workspaceId" AND (w.settings_version IS NULL OR w.settings_version < s.version)`,
});

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

  /** Applies settings of recorded workspaces, each only when newer than the one applied. */
  async apply(m: EntityManager, settings: readonly AppliedSettings[]): Promise<void> {
    if (settings.length > 0) await m.query(SQL.apply, [recordsetParam(settings)]);
  }
}
