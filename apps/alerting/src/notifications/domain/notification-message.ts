import { AlertEventData } from '@tsuzuku/contracts';

/** The account an alert is about, as a notification names it. */
export interface NotifiedAccount {
  readonly id: string;
  readonly name: string | null;
  readonly mrr: number | null;
  /** YYYY-MM-DD, or null when unknown. */
  readonly renewalDate: string | null;
  /** The account's owner (its CSM), else the workspace's default owner. */
  readonly owner: string | null;
  readonly segment: string | null;
  /** The account's API resource (GET /v1/accounts/{id}) under the configured public base URL. */
  readonly url: string;
}

/** The alert as a notification carries it: the cs.alerts.v1 data with its id named as in REST. */
export type NotifiedAlert = Omit<AlertEventData, 'alertId'> & { readonly id: string };

/** What a channel is sent about one alert change (the webhook body, as is). */
export interface AlertNotification {
  readonly type: 'alert.raised' | 'alert.updated' | 'alert.resolved';
  readonly workspaceId: string;
  readonly accountId: string;
  readonly account: NotifiedAccount;
  readonly alert: NotifiedAlert;
}

/** The link to an account's API resource under a public base URL (a trailing slash or not). */
export function accountResourceUrl(publicBaseUrl: string, accountId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/accounts/${encodeURIComponent(accountId)}`;
}

/** The notification of one alert change: the alert under its REST name, and its account. */
export function alertNotification(
  type: AlertNotification['type'],
  workspaceId: string,
  accountId: string,
  data: AlertEventData,
  account: Omit<NotifiedAccount, 'id' | 'owner' | 'segment'>,
): AlertNotification {
  const { alertId, ...rest } = data;
  return {
    type,
    workspaceId,
    accountId,
    account: { id: accountId, ...account, owner: data.owner, segment: data.segment ?? null },
    alert: { id: alertId, ...rest },
  };
}

/**
 * A stored delivery payload in today's shape. Deliveries queued before notifications named
 * their account carry `alert.alertId` and no `account`: they are sent with the id renamed and
 * the account known by its id alone.
 */
export function currentNotification(payload: unknown): AlertNotification {
  const p = payload as AlertNotification & { alert: NotifiedAlert & { alertId?: string } };
  if (p.account && p.alert.id !== undefined) return p;
  const { alertId, ...alert } = p.alert;
  return {
    ...p,
    account: p.account ?? {
      id: p.accountId,
      name: null,
      mrr: null,
      renewalDate: null,
      owner: alert.owner,
      segment: null,
      url: '',
    },
    alert: { ...alert, id: alert.id ?? alertId! },
  };
}

function accountLabel(n: AlertNotification): string {
  const name = n.account.name;
  return name ? `${name} (${n.accountId})` : `account ${n.accountId}`;
}

function headline(n: AlertNotification): string {
  const a = n.alert;
  const mark = a.positive ? 'Opportunity' : a.severity.toUpperCase();
  if (a.change === 'resolved')
    return `Resolved: ${a.title} — ${accountLabel(n)} (${a.resolution?.reason ?? 'resolved'})`;
  return `[${mark}] ${a.title} — ${accountLabel(n)}`;
}

function money(mrr: number | null): string {
  if (mrr === null) return 'unknown';
  return mrr.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}

/** The account's figures a CSM needs to act: MRR, renewal, owner, and where to read more. */
function accountLines(n: AlertNotification): string[] {
  const acc = n.account;
  return [
    `MRR: ${money(acc.mrr)}; renewal: ${acc.renewalDate ?? 'unknown'}; owner: ${acc.owner ?? 'unassigned'}`,
    ...(acc.url ? [`Account: ${acc.url}`] : []),
  ];
}

function details(n: AlertNotification): string[] {
  const a = n.alert;
  const evidence = Object.entries(a.evidence)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  return [
    ...accountLines(n),
    `Rule: ${a.ruleName} (${a.ruleType}), severity ${a.severity}`,
    `Status: ${a.status}; occurrences: ${a.occurrences}; opened ${a.openedAt}`,
    ...(evidence ? [`Evidence: ${evidence}`] : []),
    `Alert id: ${a.id}`,
  ];
}

/** A Slack-compatible incoming-webhook body: text for any receiver, blocks for Slack. */
export function slackMessage(n: AlertNotification): { text: string; blocks: unknown[] } {
  const text = `${headline(n)}\n${accountLines(n).join('\n')}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${headline(n)}*` } },
      { type: 'context', elements: details(n).map((line) => ({ type: 'mrkdwn', text: line })) },
    ],
  };
}

/** The subject and plain-text body of an alert email. */
export function emailMessage(n: AlertNotification): { subject: string; text: string } {
  return { subject: headline(n), text: [headline(n), '', ...details(n), ''].join('\n') };
}
