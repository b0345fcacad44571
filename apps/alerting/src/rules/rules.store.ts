import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AlertRule } from './domain/alert-rule';
import { RuleDefinition, defaultRules } from './domain/default-rules';
import { returning } from '../shared/returning';

/** A rule as the API shows it. */
export type StoredRule = AlertRule & {
  readonly workspaceId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

const COLUMNS = `id, workspace_id AS "workspaceId", name, type, params, severity, scope, enabled,
  cooldown_minutes AS "cooldownMinutes", created_at AS "createdAt", updated_at AS "updatedAt"`;

function ruleOf(row: Record<string, unknown>): StoredRule {
  return {
    ...(row as unknown as StoredRule),
    createdAt: new Date(row['createdAt'] as string).toISOString(),
    updatedAt: new Date(row['updatedAt'] as string).toISOString(),
  };
}

/** Alert rules in alerting.rules, and the workspaces that have them. */
@Injectable()
export class RulesStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records workspaces on first sight and gives each new one the default rules (one per type),
   * inside the caller's transaction.
   */
  async ensureWorkspaces(m: EntityManager, workspaceIds: readonly string[]): Promise<void> {
    if (workspaceIds.length === 0) return;
    const fresh: { workspace_id: string }[] = await m.query(
      `INSERT INTO alerting.workspace_settings (workspace_id) SELECT unnest($1::text[])
       ON CONFLICT DO NOTHING RETURNING workspace_id`,
      [[...new Set(workspaceIds)].sort()],
    );
    const rows = fresh.flatMap(({ workspace_id }) =>
      defaultRules().map((rule) => ({ ...rule, id: randomUUID(), workspaceId: workspace_id })),
    );
    if (rows.length > 0) await this.insert(m, rows);
  }

  /** The rules of these workspaces, oldest first. */
  async rulesOf(m: EntityManager, workspaceIds: readonly string[]): Promise<Map<string, StoredRule[]>> {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT ${COLUMNS} FROM alerting.rules WHERE workspace_id = ANY($1) ORDER BY created_at, id`,
      [[...new Set(workspaceIds)]],
    );
    const byWorkspace = new Map<string, StoredRule[]>();
    for (const row of rows.map(ruleOf)) {
      const list = byWorkspace.get(row.workspaceId) ?? [];
      list.push(row);
      byWorkspace.set(row.workspaceId, list);
    }
    return byWorkspace;
  }

  async list(workspaceId: string): Promise<StoredRule[]> {
    await this.dataSource.transaction((m) => this.ensureWorkspaces(m, [workspaceId]));
    return (await this.rulesOf(this.dataSource.manager, [workspaceId])).get(workspaceId) ?? [];
  }

  async get(
    workspaceId: string,
    id: string,
    m: EntityManager = this.dataSource.manager,
  ): Promise<StoredRule | null> {
    if (!isUuid(id)) return null;
    const [row]: Record<string, unknown>[] = await m.query(
      `SELECT ${COLUMNS} FROM alerting.rules WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id],
    );
    return row ? ruleOf(row) : null;
  }

  async create(workspaceId: string, rule: RuleDefinition): Promise<StoredRule> {
    const id = randomUUID();
    await this.dataSource.transaction(async (m) => {
      await this.ensureWorkspaces(m, [workspaceId]);
      await this.insert(m, [{ ...rule, id, workspaceId }]);
    });
    return (await this.get(workspaceId, id))!;
  }

  /** Replaces a rule; null when the workspace has no such rule. */
  async replace(
    m: EntityManager,
    workspaceId: string,
    id: string,
    rule: RuleDefinition,
  ): Promise<StoredRule | null> {
    if (!isUuid(id)) return null;
    const [row] = returning<Record<string, unknown>>(
      await m.query(
        `UPDATE alerting.rules SET name = $3, type = $4, params = $5, severity = $6, scope = $7, enabled = $8,
         cooldown_minutes = $9, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [
          workspaceId,
          id,
          rule.name,
          rule.type,
          JSON.stringify(rule.params),
          rule.severity,
          JSON.stringify(rule.scope),
          rule.enabled,
          rule.cooldownMinutes,
        ],
      ),
    );
    return row ? ruleOf(row) : null;
  }

  /** Deletes a rule; false when the workspace has no such rule. */
  async delete(m: EntityManager, workspaceId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = returning<{ id: string }>(
      await m.query(`DELETE FROM alerting.rules WHERE workspace_id = $1 AND id = $2 RETURNING id`, [
        workspaceId,
        id,
      ]),
    );
    return rows.length > 0;
  }

  private async insert(
    m: EntityManager,
    rules: readonly (RuleDefinition & { id: string; workspaceId: string })[],
  ): Promise<void> {
    await m.query(
      `INSERT INTO alerting.rules (id, workspace_id, name, type, params, severity, scope, enabled, cooldown_minutes)
       SELECT r.id, r."workspaceId", r.name, r.type, r.params, r.severity, r.scope, r.enabled, r."cooldownMinutes"
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, name text, type text, params jsonb,
         severity text, scope jsonb, enabled boolean, "cooldownMinutes" int)`,
      [JSON.stringify(rules)],
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not uuids are nobody's: answered as not found rather than as a database error. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
