import { Topic } from '@tsuzuku/contracts';

/**
 * The consumer group of the playbooks service: reads cs.alerts.v1, cs.accounts.v1 and
 * cs.events.v1 (triggers, the account snapshot, contacts, events seen). Lag is measured on it.
 */
export const PLAYBOOKS_SIGNALS_CONSUMER = 'playbooks.signals';

export const PLAYBOOKS_CONSUMER_GROUPS = [PLAYBOOKS_SIGNALS_CONSUMER] as const;

/** What the signals consumer reads: alerts (triggers), account snapshots and customer events. */
export const PLAYBOOKS_SIGNALS_TOPICS: readonly Topic[] = [Topic.Alerts, Topic.Accounts, Topic.Events];
