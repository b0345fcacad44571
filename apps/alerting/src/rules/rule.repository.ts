import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { AlertRule, RuleDefinition } from './domain/alert-rule';

/** A rule as the API shows it. */
export type StoredRule = AlertRule & {
  readonly workspaceId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

const COLUMNS = `id, workspace_id AS "workspaceId", name, type, params, severity, scope, enabled,
  cooldown_minutes AS "cooldownMinutes", grace_days AS "graceDays", created_at AS "createdAt", updated_at AS "updatedAt"`;

const SQL = defineStatements('alerting.rules', {
  ofWorkspaces: `SELECT ${COLUMNS} FROM alerting.rules WHERE workspace_id = ANY($1) ORDER BY created_at, id`,
  byId: `SELECT ${COLUMNS} FROM alerting.rules WHERE workspace_id = $1 AND id = $2`,
  insertMany: `
    INSERT INTO alerting.rules (id, workspace_id, name, type, params, severity, scope, enabled, cooldown_minutes,
      grace_days)
    SELECT r.id, r."workspaceId", r.name, r.type, r.params, r.severity, r.scope, r.enabled, r."cooldownMinutes",
      r."graceDays"
    FROM ${recordset({
      id: 'uuid',
      workspaceId: 'text',
      name: 'text',
      type: 'text',
      params: 'jsonb',
      severity: 'text',
      scope: 'jsonb',
      enabled: 'boolean',
      cooldownMinutes: 'int',
      graceDays: 'int',
    })}`,
  replace: `
    UPDATE alerting.rules SET name = $3, type = $4, params = $5, severity = $6, scope = $7, enabled = $8,
      cooldown_minutes = $9, grace_days = $10, updated_at = now()
    WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  delete: `DELETE FROM alerting.rules WHERE workspace_id = $1 AND id = $2 RETURNING id`,
});

function ruleOf(row: Record<string, unknown>): StoredRule {
  return {
    ...(row as unknown as StoredRule),
    createdAt: new Date(row['createdAt'] as string).toISOString(),
    updatedAt: new Date(row['updatedAt'] as string).toISOString(),
  };
}

/** A rule to insert: its definition, id and workspace. */
export type NewRule = RuleDefinition & { readonly id: string; readonly workspaceId: string };

/** Alert rules (alerting.rules). Ids that are not uuids are checked by the caller. */
@Injectable()
export class RuleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The rules of these workspaces, oldest first. */
  async ofWorkspaces(
    workspaceIds: readonly string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, StoredRule[]>> {
    const rows: Record<string, unknown>[] = await m.query(SQL.ofWorkspaces, [[...new Set(workspaceIds)]]);
    const byWorkspace = new Map<string, StoredRule[]>();
    for (const row of rows.map(ruleOf)) {
      const list = byWorkspace.get(row.workspaceId) ?? [];
      list.push(row);
      byWorkspace.set(row.workspaceId, list);
    }
    return byWorkspace;
  }

  async find(workspaceId: string, id: string): Promise<StoredRule | null> {
    const [row]: Record<string, unknown>[] = await this.dataSource.query(SQL.byId, [workspaceId, id]);
    return row ? ruleOf(row) : null;
  }

  async insertMany(m: EntityManager, rules: readonly NewRule[]): Promise<void> {
    if (rules.length > 0) await m.query(SQL.insertMany, [recordsetParam(rules)]);
  }

  /** Replaces a rule; null when the workspace has no such rule. */
  async replace(workspaceId: string, id: string, rule: RuleDefinition): Promise<StoredRule | null> {
    const [row] = returnedRows<Record<string, unknown>>(
      await this.dataSource.query(SQL.replace, [
        workspaceId,
        id,
        rule.name,
        rule.type,
        JSON.stringify(rule.params),
        rule.severity,
        JSON.stringify(rule.scope),
        rule.enabled,
        rule.cooldownMinutes,
        rule.graceDays,
      ]),
    );
    return row ? ruleOf(row) : null;
  }

  /** Deletes a rule; false when the workspace has no such rule. */
  async delete(workspaceId: string, id: string): Promise<boolean> {
    return returnedRows(await this.dataSource.query(SQL.delete, [workspaceId, id])).length > 0;
  }
}
