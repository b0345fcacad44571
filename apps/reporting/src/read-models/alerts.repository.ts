import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';
import type { AlertRecord } from './domain/event-rows';

const sql = defineStatements('reporting.alerts', {
  upsert: `
    INSERT INTO reporting.alerts (workspace_id, alert_id, account_id, rule_type, raised_at, resolved_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (workspace_id, alert_id) DO UPDATE SET rule_type = EXCLUDED.rule_type,
      raised_at = EXCLUDED.raised_at, resolved_at = EXCLUDED.resolved_at`,
  byRuleType: `
    SELECT rule_type,
           count(*) FILTER (WHERE raised_at >= $2 AND raised_at < $3)::int AS raised,
           count(*) FILTER (WHERE resolved_at >= $2 AND resolved_at < $3)::int AS resolved,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - raised_at) / 3600)
             FILTER (WHERE resolved_at >= $2 AND resolved_at < $3) AS median_hours
    FROM reporting.alerts
    WHERE workspace_id = $1 AND ((raised_at >= $2 AND raised_at < $3) OR (resolved_at >= $2 AND resolved_at < $3))
    GROUP BY rule_type ORDER BY rule_type`,
});

/** Per rule type: alerts raised and resolved in a range, and the median hours to resolve. */
export interface AlertsByRuleType {
  rule_type: string;
  raised: number;
  resolved: number;
  median_hours: number | null;
}

/** The alerts alerting announced, for the alerts report. */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The alert's latest state (in the caller's transaction). */
  async upsert(m: EntityManager, a: AlertRecord): Promise<void> {
    await m.query(sql.upsert, [a.workspaceId, a.alertId, a.accountId, a.ruleType, a.raisedAt, a.resolvedAt]);
  }

  /** Alerts raised or resolved in [from, until), by rule type. */
  byRuleType(workspaceId: string, from: string, until: string): Promise<AlertsByRuleType[]> {
    return this.dataSource.query(sql.byRuleType, [workspaceId, from, until]);
  }
}
