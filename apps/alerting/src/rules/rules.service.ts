import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AlertingEngine } from '../alerts/alerting.engine';
import { AlertsException } from '../alerts/alerts.exception';
import { Page, pageOf } from '@tsuzuku/platform-runtime';
import { isUuid } from '../shared/is-uuid';
import { PageCursor, RULES_CURSOR } from '../shared/page-cursor';
import { RuleDefinition } from './domain/alert-rule';
import { RuleRepository, StoredRule } from './rule.repository';
import { WorkspaceRulesService } from './workspace-rules.service';

const REASON = 'rules changed';

/**
 * The alert rules of a workspace (the defaults, one per type, exist from the first use). A
 * change re-evaluates the workspace's accounts before it is answered.
 */
@Injectable()
export class RulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: RuleRepository,
    private readonly workspaces: WorkspaceRulesService,
    private readonly engine: AlertingEngine,
  ) {}

  /** A page of the workspace's rules, oldest first (a workspace has few: read whole, paged here). */
  async list(
    workspaceId: string,
    page: { readonly limit?: number; readonly cursor?: PageCursor } = {},
  ): Promise<Page<StoredRule>> {
    await this.dataSource.transaction((m) => this.workspaces.ensure(m, [workspaceId]));
    const rules = (await this.rules.ofWorkspaces([workspaceId])).get(workspaceId) ?? [];
    return pageOf(rules, RULES_CURSOR, (r) => ({ at: r.createdAt, id: r.id }), page);
  }

  async get(workspaceId: string, id: string): Promise<StoredRule> {
    return (isUuid(id) ? await this.rules.find(workspaceId, id) : null) ?? notFound(id);
  }

  async create(workspaceId: string, rule: RuleDefinition): Promise<StoredRule> {
    const id = randomUUID();
    await this.dataSource.transaction(async (m) => {
      await this.workspaces.ensure(m, [workspaceId]);
      await this.rules.insertMany(m, [{ ...rule, id, workspaceId }]);
    });
    await this.engine.reevaluateWorkspace(workspaceId, REASON);
    return (await this.rules.find(workspaceId, id))!;
  }

  /** Replaces a rule; its open alerts are re-evaluated against it. */
  async replace(workspaceId: string, id: string, rule: RuleDefinition): Promise<StoredRule> {
    const replaced = (isUuid(id) ? await this.rules.replace(workspaceId, id, rule) : null) ?? notFound(id);
    await this.engine.reevaluateWorkspace(workspaceId, REASON);
    return replaced;
  }

  /** Deletes a rule; its open alerts are resolved by the re-evaluation. */
  async delete(workspaceId: string, id: string): Promise<void> {
    if (!isUuid(id) || !(await this.rules.delete(workspaceId, id))) notFound(id);
    await this.engine.reevaluateWorkspace(workspaceId, REASON);
  }
}

function notFound(id: string): never {
  throw new AlertsException('rule_not_found', `no alert rule ${id} in this workspace`);
}
