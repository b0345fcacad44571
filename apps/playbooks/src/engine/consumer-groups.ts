import { Topic } from '@tsuzuku/contracts';

/**
 * The consumer group of the playbooks service: reads cs.alerts.v1, cs.accounts.v1, cs.events.v1
 * and cs.workspaces.v1 (triggers, the account snapshot, contacts, events seen, the workspace's
 * fallback owner). Lag is measured on it.
 */
export const PLAYBOOKS_SIGNALS_CONSUMER = 'playbooks.signals';

export const PLAYBOOKS_CONSUMER_GROUPS = [PLAYBOOKS_SIGNALS_CONSUMER] as const;

/** What the signals consumer reads: alerts (triggers), account snapshots, customer events, workspace settings. */
export const PLAYBOOKS_SIGNALS_TOPICS: readonly Topic[] = [
  Topic.Alerts,
  Topic.Accounts,
  Topic.Events,
  Topic.Workspaces,
];
