import { Topic } from '@tsuzuku/contracts';

/** The Kafka consumer groups of the alerting service (the demo reads their lag by these ids). */
export const ALERTING_ACCOUNTS_CONSUMER = 'alerting.accounts';

/** Every consumer group alerting runs. */
export const ALERTING_CONSUMER_GROUPS = [ALERTING_ACCOUNTS_CONSUMER] as const;

/**
 * What the accounts consumer reads: the account snapshots, the health changes for score_drop,
 * and the workspace settings (the fallback owner of alerts).
 */
export const ALERTING_ACCOUNTS_TOPICS: readonly Topic[] = [Topic.Accounts, Topic.Health, Topic.Workspaces];
