import { AlertEventData } from '@tsuzuku/contracts';

/** What a channel is sent about one alert change. */
export interface AlertNotification {
  readonly type: 'alert.raised' | 'alert.updated' | 'alert.resolved';
  readonly workspaceId: string;
  readonly accountId: string;
  readonly alert: AlertEventData;
}

function headline(n: AlertNotification): string {
  const a = n.alert;
  const mark = a.positive ? 'Opportunity' : a.severity.toUpperCase();
  if (a.change === 'resolved')
    return `Resolved: ${a.title} — account ${n.accountId} (${a.resolution?.reason ?? 'resolved'})`;
  return `[${mark}] ${a.title} — account ${n.accountId}`;
}

function details(n: AlertNotification): string[] {
  const a = n.alert;
  const evidence = Object.entries(a.evidence)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  return [
    `Rule: ${a.ruleName} (${a.ruleType}), severity ${a.severity}`,
    `Owner: ${a.owner ?? 'unassigned'}`,
    `Status: ${a.status}; occurrences: ${a.occurrences}; opened ${a.openedAt}`,
    ...(evidence ? [`Evidence: ${evidence}`] : []),
    `Alert id: ${a.alertId}`,
  ];
}

/** A Slack-compatible incoming-webhook body: text for any receiver, blocks for Slack. */
export function slackMessage(n: AlertNotification): { text: string; blocks: unknown[] } {
  const text = headline(n);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      { type: 'context', elements: details(n).map((line) => ({ type: 'mrkdwn', text: line })) },
    ],
  };
}

/** The subject and plain-text body of an alert email. */
export function emailMessage(n: AlertNotification): { subject: string; text: string } {
  return { subject: headline(n), text: [headline(n), '', ...details(n), ''].join('\n') };
}
