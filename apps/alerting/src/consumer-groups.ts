/** The Kafka consumer groups of the alerting service (the demo reads their lag by these ids). */
export const ALERTING_ACCOUNTS_CONSUMER = 'alerting.accounts';

/** Every consumer group alerting runs. */
export const ALERTING_CONSUMER_GROUPS = [ALERTING_ACCOUNTS_CONSUMER] as const;
