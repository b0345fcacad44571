import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { PlaybookTriggerType } from '@tsuzuku/contracts';
import { BUILT_IN_TEMPLATES } from './domain/built-in-templates';
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

export function toStoredPlaybook(r: PlaybookRow): StoredPlaybook {
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

/**
 * Playbook rows and versions. Every workspace gets the built-in templates the first time the
 * service sees it (an API call or a signal), once, even with two instances racing.
 */
@Injectable()
export class PlaybookStore {
  private readonly seeded = new Set<string>();
  private readonly versions = new Map<string, PlaybookDefinition>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates the workspace's built-in playbooks if it is new. */
  async ensureWorkspace(m: EntityManager, workspaceId: string): Promise<void> {
    if (this.seeded.has(workspaceId)) return;
    const inserted: unknown[] = await m.query(
      `INSERT INTO playbooks.workspaces (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING workspace_id`,
      [workspaceId],
    );
    if (inserted.length === 1) {
      const now = new Date();
      for (const template of BUILT_IN_TEMPLATES)
        await this.insert(m, workspaceId, template.definition, template.key, now);
    }
    this.seeded.add(workspaceId);
  }

  async ensureWorkspaceNow(workspaceId: string): Promise<void> {
    if (this.seeded.has(workspaceId)) return;
    await this.dataSource.transaction((m) => this.ensureWorkspace(m, workspaceId));
  }

  async insert(
    m: EntityManager,
    workspaceId: string,
    definition: PlaybookDefinition,
    template: string | null,
    now: Date,
  ): Promise<StoredPlaybook> {
    const id = randomUUID();
    const [row]: PlaybookRow[] = await m.query(
      `INSERT INTO playbooks.playbooks (id, workspace_id, template, version, name, enabled, trigger_type, definition, created_at, updated_at)
       VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $8) RETURNING ${COLUMNS}`,
      [
        id,
        workspaceId,
        template,
        definition.name,
        definition.enabled,
        definition.trigger.type,
        JSON.stringify(definition),
        now,
      ],
    );
    await m.query(
      `INSERT INTO playbooks.playbook_versions (playbook_id, version, definition, created_at) VALUES ($1, 1, $2, $3)`,
      [id, JSON.stringify(definition), now],
    );
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
    const [row]: [PlaybookRow[], number] = await m.query(
      `UPDATE playbooks.playbooks SET version = version + 1, name = $3, enabled = $4, trigger_type = $5,
         definition = $6, updated_at = $7
       WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      [
        workspaceId,
        id,
        definition.name,
        definition.enabled,
        definition.trigger.type,
        JSON.stringify(definition),
        now,
      ],
    );
    const updated = row[0];
    if (!updated) return null;
    await m.query(
      `INSERT INTO playbooks.playbook_versions (playbook_id, version, definition, created_at) VALUES ($1, $2, $3, $4)`,
      [id, updated.version, JSON.stringify(definition), now],
    );
    return toStoredPlaybook(updated);
  }

  async get(m: EntityManager, workspaceId: string, id: string, lock = false): Promise<StoredPlaybook | null> {
    const rows: PlaybookRow[] = await m.query(
      `SELECT ${COLUMNS} FROM playbooks.playbooks WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL
       ${lock ? 'FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ? toStoredPlaybook(rows[0]) : null;
  }

  async list(workspaceId: string): Promise<StoredPlaybook[]> {
    const rows: PlaybookRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM playbooks.playbooks WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at, name`,
      [workspaceId],
    );
    return rows.map(toStoredPlaybook);
  }

  /** The enabled playbooks of these workspaces started by these triggers. */
  async live(
    m: EntityManager,
    workspaceIds: readonly string[],
    triggers: readonly PlaybookTriggerType[],
  ): Promise<StoredPlaybook[]> {
    if (workspaceIds.length === 0) return [];
    const rows: PlaybookRow[] = await m.query(
      `SELECT ${COLUMNS} FROM playbooks.playbooks
       WHERE workspace_id = ANY($1) AND trigger_type = ANY($2) AND enabled AND deleted_at IS NULL ORDER BY created_at`,
      [workspaceIds, triggers],
    );
    return rows.map(toStoredPlaybook);
  }

  /** One version's definition; versions never change, so they are kept once read. */
  async version(m: EntityManager, playbookId: string, version: number): Promise<PlaybookDefinition | null> {
    const key = `${playbookId}:${version}`;
    const known = this.versions.get(key);
    if (known) return known;
    const rows: { definition: PlaybookDefinition }[] = await m.query(
      `SELECT definition FROM playbooks.playbook_versions WHERE playbook_id = $1 AND version = $2`,
      [playbookId, version],
    );
    if (!rows[0]) return null;
    this.versions.set(key, rows[0].definition);
    return rows[0].definition;
  }

  async versionRow(
    playbookId: string,
    version: number,
  ): Promise<{ definition: PlaybookDefinition; createdAt: string } | null> {
    const rows: { definition: PlaybookDefinition; created_at: Date }[] = await this.dataSource.query(
      `SELECT definition, created_at FROM playbooks.playbook_versions WHERE playbook_id = $1 AND version = $2`,
      [playbookId, version],
    );
    return rows[0] ? { definition: rows[0].definition, createdAt: rows[0].created_at.toISOString() } : null;
  }

  async softDelete(
    m: EntityManager,
    workspaceId: string,
    id: string,
    now: Date,
  ): Promise<StoredPlaybook | null> {
    const [rows]: [PlaybookRow[], number] = await m.query(
      `UPDATE playbooks.playbooks SET deleted_at = $3, enabled = false
       WHERE workspace_id = $1 AND id::text = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      [workspaceId, id, now],
    );
    return rows[0] ? toStoredPlaybook(rows[0]) : null;
  }
}
