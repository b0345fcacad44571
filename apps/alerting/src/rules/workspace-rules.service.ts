import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { WorkspaceSettingsRepository } from '../settings/workspace-settings.repository';
import { defaultRules } from './domain/default-rules';
import { RuleRepository } from './rule.repository';

/** Workspaces on first sight: recorded, and given the default rules (one per type). */
@Injectable()
export class WorkspaceRulesService {
  constructor(
    private readonly settings: WorkspaceSettingsRepository,
    private readonly rules: RuleRepository,
  ) {}

  /** Records the workspaces not known yet and gives each the default rules, in the caller's transaction. */
  async ensure(m: EntityManager, workspaceIds: readonly string[]): Promise<void> {
    const fresh = await this.settings.insertMissing(m, workspaceIds);
    await this.rules.insertMany(
      m,
      fresh.flatMap((workspaceId) =>
        defaultRules().map((rule) => ({ ...rule, id: randomUUID(), workspaceId })),
      ),
    );
  }
}
