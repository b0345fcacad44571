import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { PlaybookTriggerType } from '@tsuzuku/contracts';
import { BUILT_IN_TEMPLATES } from './domain/built-in-templates';
import { PlaybookDefinition } from './domain/playbook-definition';
import { Clock } from '@tsuzuku/platform-runtime';
import { PlaybookRepository, StoredPlaybook } from './playbook.repository';

export type { StoredPlaybook } from './playbook.repository';

/**
 * Playbook rows and versions. Every workspace gets the built-in templates the first time the
 * service sees it (an API call or a signal), once, even with two instances racing.
 */
@Injectable()
export class PlaybookStore {
  private readonly seeded = new Set<string>();
  private readonly versions = new Map<string, PlaybookDefinition>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly playbooks: PlaybookRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates the workspace's built-in playbooks if it is new. */
  async ensureWorkspace(m: EntityManager, workspaceId: string): Promise<void> {
    if (this.seeded.has(workspaceId)) return;
    if (await this.playbooks.insertWorkspace(m, workspaceId)) {
      const now = this.clock.now();
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
    return this.playbooks.insert(m, randomUUID(), workspaceId, definition, template, now);
  }

  /** Makes `definition` the playbook's next version; null when there is no such playbook. */
  async newVersion(
    m: EntityManager,
    workspaceId: string,
    id: string,
    definition: PlaybookDefinition,
    now: Date,
  ): Promise<StoredPlaybook | null> {
    return this.playbooks.newVersion(m, workspaceId, id, definition, now);
  }

  async get(m: EntityManager, workspaceId: string, id: string, lock = false): Promise<StoredPlaybook | null> {
    return this.playbooks.find(m, workspaceId, id, lock);
  }

  async list(workspaceId: string): Promise<StoredPlaybook[]> {
    return this.playbooks.list(workspaceId);
  }

  /** The enabled playbooks of these workspaces started by these triggers. */
  async live(
    m: EntityManager,
    workspaceIds: readonly string[],
    triggers: readonly PlaybookTriggerType[],
  ): Promise<StoredPlaybook[]> {
    return this.playbooks.live(m, workspaceIds, triggers);
  }

  /** One version's definition; versions never change, so they are kept once read. */
  async version(m: EntityManager, playbookId: string, version: number): Promise<PlaybookDefinition | null> {
    const key = `${playbookId}:${version}`;
    const known = this.versions.get(key);
    if (known) return known;
    const found = await this.playbooks.version(playbookId, version, m);
    if (!found) return null;
    this.versions.set(key, found.definition);
    return found.definition;
  }

  async versionRow(
    playbookId: string,
    version: number,
  ): Promise<{ definition: PlaybookDefinition; createdAt: string } | null> {
    return this.playbooks.version(playbookId, version);
  }

  async softDelete(
    m: EntityManager,
    workspaceId: string,
    id: string,
    now: Date,
  ): Promise<StoredPlaybook | null> {
    return this.playbooks.softDelete(m, workspaceId, id, now);
  }
}
