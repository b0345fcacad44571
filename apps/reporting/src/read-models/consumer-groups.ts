import { Topic } from '@tsuzuku/contracts';

/**
 * The Kafka consumer group of reporting's read models (cs.events.v1, cs.accounts.v1,
 * cs.health.v1, cs.alerts.v1, cs.playbooks.v1): its lag is how far the reports are behind.
 */
export const READ_MODELS_GROUP = 'reporting.read-models';

/** A rebuild reads every topic from the beginning under a group of its own: this prefix and a timestamp. */
export const REBUILD_GROUP_PREFIX = 'reporting.rebuild';

/** The topics the read models are built from. */
export const READ_MODEL_TOPICS: readonly Topic[] = [
  Topic.Events,
  Topic.Accounts,
  Topic.Health,
  Topic.Alerts,
  Topic.Playbooks,
];
