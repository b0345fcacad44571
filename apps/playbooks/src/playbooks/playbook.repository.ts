import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PlaybookTriggerType } from '@tsuzuku/contracts';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';
import { PlaybookDefinition } from './domain/playbook-definition';

/** A playbook as stored: its current version's definition and where it came from. */
export interface StoredPlaybook {
  readonly id: string;
  readonly workspaceId: string;
  /** The built-in template it was created from, null for one a user wrote. */
  readonly template: string | null;
  readonly version: number;
  readonly definition: PlaybookDefinition;
  readonly createdAt: string;
  /** When the current version was made. */
  readonly updatedAt: string;
}

interface PlaybookRow {
  id: string;
  workspace_id: string;
  template: string | null;
  version: number;
  definition: PlaybookDefinition;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, workspace_id, template, version, definition, created_at, updated_at';

const SQL = defineStatements('playbooks.playbooks', {
  insertWorkspace: `INSERT INTO playbooks.workspaces (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING workspace_id`,
  insert: `
    INSERT INTO playbooks.playbooks (id, workspace_id, template, version, name, enabled, trigger_type, definition, created_at, updated_at)
    VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $8) RETURNING ${COLUMNS}`,
  insertVersion: `
    INSERT INTO playbooks.playbook_versions (playbook_id, version, definition, created_at) VALUES ($1, $2, $3, $4)`,
  newVersion: `
    UPDATE playbooks.playbooks SET version = version + 1, name = $3, enabled = $4, trigger_type = $5,
      definition = $6, updated_at = $7
    WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
  byId: `SELECT ${COLUMNS} FROM playbooks.playbooks WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL`,
  byIdForUpdate: `SELECT ${COLUMNS} FROM playbooks.playbooks WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL
    FOR UPDATE`,
  ofWorkspace: `SELECT ${COLUMNS} FROM playbooks.playbooks WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, name`,
  live: `
    SELECT ${COLUMNS} FROM playbooks.playbooks
    WHERE workspace_id = ANY($1) AND trigger_type = ANY($2) AND enabled AND deleted_at IS NULL ORDER BY created_at`,
  liveOfAnyWorkspace: `
    SELECT ${COLUMNS} FROM playbooks.playbooks
    WHERE trigger_type = ANY($1) AND enabled AND deleted_at IS NULL ORDER BY id`,
  version: `SELECT definition, created_at FROM playbooks.playbook_versions WHERE playbook_id = $1 AND version = $2`,
  softDelete: `
    UPDATE playbooks.playbooks SET deleted_at = $3, enabled = false
    WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
});

function toStoredPlaybook(r: PlaybookRow): StoredPlaybook {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    template: r.template,
    version: r.version,
    definition: r.definition,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Playbooks (playbooks.playbooks), their versions, and the workspaces that have them. */
@Injectable()
export class PlaybookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a workspace; true when it was new. */
  async insertWorkspace(m: EntityManager, workspaceId: string): Promise<boolean> {
    const inserted: unknown[] = await m.query(SQL.insertWorkspace, [workspaceId]);
    return inserted.length === 1;
  }

  /** Inserts a playbook at version 1 with that version's row. */
  async insert(
    m: EntityManager,
    id: string,
    workspaceId: string,
    definition: PlaybookDefinition,
    template: string | null,
    now: Date,
  ): Promise<StoredPlaybook> {
    const [row]: PlaybookRow[] = await m.query(SQL.insert, [
      id,
      workspaceId,
      template,
      definition.name,
      definition.enabled,
      definition.trigger.type,
      JSON.stringify(definition),
      now,
    ]);
    await m.query(SQL.insertVersion, [id, 1, JSON.stringify(definition), now]);
    return toStoredPlaybook(row!);
  }

  /** Makes `definition` the playbook's next version; null when there is no such playbook. */
  async newVersion(
    m: EntityManager,
    workspaceId: string,
    id: string,
    definition: PlaybookDefinition,
    now: Date,
  ): Promise<StoredPlaybook | null> {
    const [updated] = returnedRows<PlaybookRow>(
      await m.query(SQL.newVersion, [
        workspaceId,
        id,
        definition.name,
        definition.enabled,
        definition.trigger.type,
        JSON.stringify(definition),
        now,
      ]),
    );
    if (!updated) return null;
    await m.query(SQL.insertVersion, [id, updated.version, JSON.stringify(definition), now]);
    return toStoredPlaybook(updated);
  }

  async find(
    m: EntityManager,
    workspaceId: string,
    id: string,
    lock = false,
  ): Promise<StoredPlaybook | null> {
    const rows: PlaybookRow[] = await m.query(lock ? SQL.byIdForUpdate : SQL.byId, [workspaceId, id]);
    return rows[0] ? toStoredPlaybook(rows[0]) : null;
  }

  async list(workspaceId: string): Promise<StoredPlaybook[]> {
    const rows: PlaybookRow[] = await this.dataSource.query(SQL.ofWorkspace, [workspaceId]);
    return rows.map(toStoredPlaybook);
  }

  /** The enabled playbooks of these workspaces started by these triggers. */
  async live(
    m: EntityManager,
    workspaceIds: readonly string[],
    triggers: readonly PlaybookTriggerType[],
  ): Promise<StoredPlaybook[]> {
    if (workspaceIds.length === 0) return [];
    const rows: PlaybookRow[] = await m.query(SQL.live, [workspaceIds, triggers]);
    return rows.map(toStoredPlaybook);
  }

  /** The enabled playbooks of every workspace started by these triggers, by id (for the sweep). */
  async liveOfAnyWorkspace(triggers: readonly PlaybookTriggerType[]): Promise<StoredPlaybook[]> {
    const rows: PlaybookRow[] = await this.dataSource.query(SQL.liveOfAnyWorkspace, [triggers]);
    return rows.map(toStoredPlaybook);
  }

  async version(
    playbookId: string,
    version: number,
    m: EntityManager = this.dataSource.manager,
  ): Promise<{ definition: PlaybookDefinition; createdAt: string } | null> {
    const rows: { definition: PlaybookDefinition; created_at: Date }[] = await m.query(SQL.version, [
      playbookId,
      version,
    ]);
    return rows[0] ? { definition: rows[0].definition, createdAt: rows[0].created_at.toISOString() } : null;
  }

  async softDelete(
    m: EntityManager,
    workspaceId: string,
    id: string,
    now: Date,
  ): Promise<StoredPlaybook | null> {
    const [row] = returnedRows<PlaybookRow>(await m.query(SQL.softDelete, [workspaceId, id, now]));
    return row ? toStoredPlaybook(row) : null;
  }
}
