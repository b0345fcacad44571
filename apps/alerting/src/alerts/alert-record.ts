import {
  AlertEventData,
  AlertResolution,
  AlertRuleType,
  AlertSeverity,
  AlertStatus,
} from '@tsuzuku/contracts';
import { Evidence } from '../rules/domain/rule-evaluator';

/** An alert as stored in alerting.alerts. */
export interface AlertRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly accountId: string;
  readonly ruleId: string;
  readonly ruleType: AlertRuleType;
  readonly ruleName: string;
  readonly severity: AlertSeverity;
  readonly positive: boolean;
  readonly status: AlertStatus;
  readonly owner: string | null;
  readonly title: string;
  readonly evidence: Evidence;
  readonly occurrences: number;
  readonly openedAt: string;
  readonly lastSeenAt: string;
  readonly acknowledgedAt: string | null;
  readonly snoozedUntil: string | null;
  readonly resolvedAt: string | null;
  readonly resolution: AlertResolution | null;
}

export type AlertChangeKind = AlertEventData['change'];

/** Columns of alerting.alerts as an AlertRecord (timestamps as ISO strings). */
export const ALERT_COLUMNS = `a.id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.rule_id AS "ruleId",
  a.rule_type AS "ruleType", a.rule_name AS "ruleName", a.severity, a.positive, a.status, a.owner, a.title,
  a.evidence, a.occurrences, a.opened_at AS "openedAt", a.last_seen_at AS "lastSeenAt",
  a.acknowledged_at AS "acknowledgedAt", a.snoozed_until AS "snoozedUntil", a.resolved_at AS "resolvedAt",
  a.resolution`;

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();

/** A row selected with ALERT_COLUMNS, with its timestamps as ISO strings. */
export function alertRecordOf(row: Record<string, unknown>): AlertRecord {
  return {
    ...(row as unknown as AlertRecord),
    openedAt: iso(row['openedAt'])!,
    lastSeenAt: iso(row['lastSeenAt'])!,
    acknowledgedAt: iso(row['acknowledgedAt']),
    snoozedUntil: iso(row['snoozedUntil']),
    resolvedAt: iso(row['resolvedAt']),
  };
}

/** The alert as cs.alerts.v1 carries it. */
export function alertEventData(a: AlertRecord, change: AlertChangeKind): AlertEventData {
  return {
    alertId: a.id,
    ruleId: a.ruleId,
    ruleType: a.ruleType,
    ruleName: a.ruleName,
    severity: a.severity,
    status: a.status,
    positive: a.positive,
    owner: a.owner,
    title: a.title,
    evidence: a.evidence,
    occurrences: a.occurrences,
    openedAt: a.openedAt,
    lastSeenAt: a.lastSeenAt,
    resolvedAt: a.resolvedAt,
    resolution: a.resolution,
    change,
  };
}

/** The event type of a change on cs.alerts.v1. */
export function alertEventType(change: AlertChangeKind): 'alert.raised' | 'alert.updated' | 'alert.resolved' {
  return change === 'raised' ? 'alert.raised' : change === 'resolved' ? 'alert.resolved' : 'alert.updated';
}
