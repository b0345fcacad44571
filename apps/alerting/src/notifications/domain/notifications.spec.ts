import { AlertEventData } from '@tsuzuku/contracts';
import { ChannelRoute, NO_FILTERS, channelsFor, routes } from './channel-routing';
import { afterFailure } from './delivery-backoff';
import {
  accountResourceUrl,
  alertNotification,
  currentNotification,
  emailMessage,
  slackMessage,
} from './notification-message';

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
    ['rule id listed', { ...NO_FILTERS, ruleIds: ['r-1'] }, alert(), true],
    ['rule id not listed', { ...NO_FILTERS, ruleIds: ['r-2'] }, alert(), false],
    [
      'rule id or type: the type',
      { ...NO_FILTERS, ruleIds: ['r-2'], ruleTypes: ['inactivity'] },
      alert(),
      true,
    ],
    [
      'segment, any case and spacing',
      { ...NO_FILTERS, segments: [' enterprise '] },
      alert({ segment: 'Enterprise' }),
      true,
    ],
    ['another segment', { ...NO_FILTERS, segments: ['smb'] }, alert({ segment: 'Enterprise' }), false],
    ['segment filter and no segment', { ...NO_FILTERS, segments: ['smb'] }, alert({ segment: null }), false],
    [
      'segment filter and an alert from before segments',
      { ...NO_FILTERS, segments: ['smb'] },
      alert({ segment: undefined }),
      false,
    ],
  ] as const)('%s', (_name, filters, a, expected) => {
    expect(routes(filters, a)).toBe(expected);
  });

  it('reads filters stored before rule ids and segments existed as letting everything through', () => {
    const stored = { minSeverity: null, severities: [], ruleTypes: [], owners: [] };
    expect(routes(stored, alert())).toBe(true);
  });
});

describe('channelsFor', () => {
  const channel = (id: string, filters: Partial<typeof NO_FILTERS>, workspaceId = 'ws'): ChannelRoute => ({
    id,
    workspaceId,
    filters: { ...NO_FILTERS, ...filters },
  });
  const ids = (routes: readonly ChannelRoute[]) => routes.map((c) => c.id).sort();

  it('gives a rule named by id to the channels that name it and to catch-alls, not to those of its type', () => {
    const channels = [
      channel('by-type', { ruleTypes: ['inactivity'] }),
      channel('by-id', { ruleIds: ['r-custom'] }),
      channel('catch-all', {}),
      channel('other-workspace', { ruleIds: ['r-custom'] }, 'ws-2'),
    ];
    expect(ids(channelsFor(channels, 'ws', alert({ ruleId: 'r-custom' })))).toEqual(['by-id', 'catch-all']);
    // The default rule of the same type, named by no channel, still reaches the type's channel.
    expect(ids(channelsFor(channels, 'ws', alert({ ruleId: 'r-default' })))).toEqual([
      'by-type',
      'catch-all',
    ]);
  });

  it('keeps a channel that names the rule and its type', () => {
    const channels = [
      channel('both', { ruleTypes: ['inactivity'], ruleIds: ['r-custom'] }),
      channel('by-id', { ruleIds: ['r-custom'] }),
    ];
    expect(ids(channelsFor(channels, 'ws', alert({ ruleId: 'r-custom' })))).toEqual(['both', 'by-id']);
  });

  it('narrows by segment', () => {
    const channels = [
      channel('enterprise', { segments: ['Enterprise'] }),
      channel('smb', { segments: ['SMB'] }),
    ];
    expect(ids(channelsFor(channels, 'ws', alert({ segment: 'enterprise' })))).toEqual(['enterprise']);
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
  const account = {
    name: 'Acme Corp',
    mrr: 1250.5,
    renewalDate: '2027-03-31',
    url: 'https://api.example.com/v1/accounts/acct-1',
  };
  const n = alertNotification('alert.raised', 'ws', 'acct-1', alert({ segment: 'smb' }), account);

  it('names the alert by its REST id and carries the account', () => {
    expect(n.alert).not.toHaveProperty('alertId');
    expect(n.alert.id).toBe('a-1');
    expect(n.account).toEqual({ id: 'acct-1', ...account, owner: 'Jane@Example.com', segment: 'smb' });
  });

  it('slack text names the severity, title, account name, MRR, renewal, owner and link', () => {
    const m = slackMessage(n);
    expect(m.text.split('\n')).toEqual([
      '[HIGH] No sign-in for 40 days — Acme Corp (acct-1)',
      'MRR: 1,250.5; renewal: 2027-03-31; owner: Jane@Example.com',
      'Account: https://api.example.com/v1/accounts/acct-1',
    ]);
    expect(JSON.stringify(m.blocks)).toContain('daysSinceLastSignIn: 40');
  });

  it('email subject says when an alert is resolved, and why', () => {
    const m = emailMessage(
      alertNotification(
        'alert.resolved',
        'ws',
        'acct-1',
        alert({
          change: 'resolved',
          resolution: { kind: 'auto', reason: 'condition cleared', by: null, note: null },
        }),
        { ...account, name: null, mrr: null, renewalDate: null },
      ),
    );
    expect(m.subject).toBe('Resolved: No sign-in for 40 days — account acct-1 (condition cleared)');
    expect(m.text).toContain('MRR: unknown; renewal: unknown; owner: Jane@Example.com');
    expect(m.text).toContain('Account: https://api.example.com/v1/accounts/acct-1');
  });

  it('links to the account under the base URL, with or without a trailing slash, its id encoded', () => {
    expect(accountResourceUrl('https://api.example.com/', 'a b/c')).toBe(
      'https://api.example.com/v1/accounts/a%20b%2Fc',
    );
    expect(accountResourceUrl('https://api.example.com', 'x')).toBe('https://api.example.com/v1/accounts/x');
  });

  it('sends a delivery queued in the old shape with the alert id renamed', () => {
    const old = { type: 'alert.raised', workspaceId: 'ws', accountId: 'acct-1', alert: alert() };
    const now = currentNotification(old);
    expect(now.alert.id).toBe('a-1');
    expect(now.alert).not.toHaveProperty('alertId');
    expect(now.account).toMatchObject({ id: 'acct-1', name: null, owner: 'Jane@Example.com' });
    expect(currentNotification(n)).toBe(n);
  });
});
