import { randomUUID } from 'node:crypto';
import { AccountHealthChangedData, AccountUpdatedData } from '@tsuzuku/contracts';
import { TestAccountOverrides, testAccountData, testEnvelope } from '@tsuzuku/platform-testing';
import { AccountUpdated, HealthChanged } from '../src/alerts/domain/alert-evaluation';
import { AlertRecord } from '../src/alerts/domain/alert-record';
import { AlertRule } from '../src/rules/domain/alert-rule';
import { defaultRules } from '../src/rules/domain/default-rules';

/** Small builders of alerting's data for unit and medium tests; every field can be overridden. */

const DAY_MS = 86_400_000;

export type AccountOverrides = TestAccountOverrides;

/** A healthy, active account as of `now`: no default rule is met. */
export function accountSnapshot(now: Date, o: AccountOverrides = {}): AccountUpdatedData {
  const daysAgo = (d: number) => new Date(now.getTime() - d * DAY_MS).toISOString();
  return testAccountData(now, {
    mrr: 1000,
    lastSeenAt: daysAgo(1),
    ...o,
    signals: {
      metrics: { onboarding_completion: 1 },
      lastSignInAt: daysAgo(1),
      activeUsers7d: 5,
      activeUsersPrev7d: 5,
      activeUsers30d: 6,
      events7d: 100,
      eventsPrev7d: 100,
      latestNps: 8,
      onboardingCompletedAt: daysAgo(80),
      ...o.signals,
    },
  });
}

/** A red account (score 30): the default 'Health turned red' rule is met. */
export function redAccount(now: Date, o: AccountOverrides = {}): AccountUpdatedData {
  return accountSnapshot(now, {
    ...o,
    health: { score: 30, band: 'red', computedScore: 30, ...o.health },
  });
}

export function accountUpdated(
  workspaceId: string,
  accountId: string,
  data: AccountUpdatedData,
): AccountUpdated {
  return testEnvelope('account.updated', workspaceId, accountId, data, data.signals.asOf);
}

export function healthChanged(
  workspaceId: string,
  accountId: string,
  score: number | null,
  asOf: string,
): HealthChanged {
  const data: AccountHealthChangedData = {
    previous: null,
    current: { score, band: null, computedScore: score, coverage: 1, scorecardId: null, override: null },
    reason: 'test',
    movers: [],
    asOf,
  };
  return testEnvelope('account.health.changed', workspaceId, accountId, data, asOf);
}

/** The default rule of a type, with an id. */
export function defaultRule(type: AlertRule['type'], o: Partial<AlertRule> = {}): AlertRule {
  const rule = defaultRules().find((r) => r.type === type)!;
  return { ...rule, id: randomUUID(), ...o } as AlertRule;
}

/** An open alert of a rule for an account, opened at `openedAt`. */
export function openAlert(
  rule: AlertRule,
  key: { workspaceId: string; accountId: string },
  openedAt: string,
  o: Partial<AlertRecord> = {},
): AlertRecord {
  return {
    id: randomUUID(),
    workspaceId: key.workspaceId,
    accountId: key.accountId,
    ruleId: rule.id,
    ruleType: rule.type,
    ruleName: rule.name,
    severity: rule.severity,
    positive: false,
    status: 'open',
    owner: null,
    title: 'an alert',
    evidence: {},
    occurrences: 1,
    openedAt,
    lastSeenAt: openedAt,
    acknowledgedAt: null,
    snoozedUntil: null,
    resolvedAt: null,
    resolution: null,
    ...o,
  };
}
