import { AlertEventData } from '@tsuzuku/contracts';
import { NO_FILTERS, routes } from './channel-routing';
import { afterFailure } from './delivery-backoff';
import { emailMessage, slackMessage } from './notification-message';

const alert = (o: Partial<AlertEventData> = {}): AlertEventData => ({
  alertId: 'a-1',
  ruleId: 'r-1',
  ruleType: 'inactivity',
  ruleName: 'No sign-in for 30 days',
  severity: 'high',
  status: 'open',
  positive: false,
  owner: 'Jane@Example.com',
  title: 'No sign-in for 40 days',
  evidence: { daysSinceLastSignIn: 40 },
  occurrences: 1,
  openedAt: '2026-06-15T12:00:00.000Z',
  lastSeenAt: '2026-06-15T12:00:00.000Z',
  resolvedAt: null,
  resolution: null,
  change: 'raised',
  ...o,
});

describe('routes', () => {
  it.each([
    ['no filters', NO_FILTERS, alert(), true],
    ['a repeat is not notified', NO_FILTERS, alert({ change: 'repeated' }), false],
    ['an acknowledgement is not notified', NO_FILTERS, alert({ change: 'acknowledged' }), false],
    ['a resolution is notified', NO_FILTERS, alert({ change: 'resolved', status: 'resolved' }), true],
    ['min severity met exactly', { ...NO_FILTERS, minSeverity: 'high' }, alert(), true],
    ['min severity above', { ...NO_FILTERS, minSeverity: 'critical' }, alert(), false],
    ['listed severity', { ...NO_FILTERS, severities: ['info', 'high'] }, alert(), true],
    ['unlisted severity', { ...NO_FILTERS, severities: ['info'] }, alert(), false],
    ['rule type listed', { ...NO_FILTERS, ruleTypes: ['inactivity'] }, alert(), true],
    ['rule type not listed', { ...NO_FILTERS, ruleTypes: ['nps_detractor'] }, alert(), false],
    ['owner, any case', { ...NO_FILTERS, owners: ['jane@example.com'] }, alert(), true],
    ['another owner', { ...NO_FILTERS, owners: ['joe@example.com'] }, alert(), false],
    [
      'owner filter and no owner',
      { ...NO_FILTERS, owners: ['joe@example.com'] },
      alert({ owner: null }),
      false,
    ],
  ] as const)('%s', (_name, filters, a, expected) => {
    expect(routes(filters, a)).toBe(expected);
  });
});

describe('after a failed delivery', () => {
  it('gives up after the last attempt', () => {
    const now = new Date('2026-06-15T12:00:00.000Z');
    expect(afterFailure(3, 5, now, 500)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date(now.getTime() + 500),
    });
    expect(afterFailure(5, 5, now, 500)).toEqual({ status: 'failed' });
  });
});

describe('messages', () => {
  const n = { type: 'alert.raised' as const, workspaceId: 'ws', accountId: 'acct-1', alert: alert() };
  it('slack text names the severity, title and account', () => {
    const m = slackMessage(n);
    expect(m.text).toBe('[HIGH] No sign-in for 40 days — account acct-1');
    expect(JSON.stringify(m.blocks)).toContain('daysSinceLastSignIn: 40');
  });
  it('email subject says when an alert is resolved, and why', () => {
    const m = emailMessage({
      ...n,
      type: 'alert.resolved',
      alert: alert({
        change: 'resolved',
        resolution: { kind: 'auto', reason: 'condition cleared', by: null, note: null },
      }),
    });
    expect(m.subject).toBe('Resolved: No sign-in for 40 days — account acct-1 (condition cleared)');
    expect(m.text).toContain('Owner: Jane@Example.com');
  });
});
