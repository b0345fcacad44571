import {
  AlertEventData,
  AlertResolution,
  AlertRuleType,
  AlertSeverity,
  AlertStatus,
} from '@tsuzuku/contracts';
import { Evidence } from '../../rules/domain/rule-evaluator';

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

/** One change of one alert: the alert after it, and who or what made it. */
export interface AlertChange {
  readonly alert: AlertRecord;
  readonly change: AlertChangeKind;
  readonly fromStatus: AlertRecord['status'] | null;
  readonly actor: string | null;
  readonly note: string | null;
  readonly detail: Record<string, unknown>;
}

/** The alert as cs.alerts.v1 carries it, with the account's segment when the change was written. */
export function alertEventData(
  a: AlertRecord,
  change: AlertChangeKind,
  segment: string | null = null,
): AlertEventData {
  return {
    alertId: a.id,
    ruleId: a.ruleId,
    ruleType: a.ruleType,
    ruleName: a.ruleName,
    severity: a.severity,
    status: a.status,
    positive: a.positive,
    owner: a.owner,
    segment,
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
