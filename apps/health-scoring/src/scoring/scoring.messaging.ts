import { Topic } from '@tsuzuku/contracts';

/**
 * The one place for health-scoring's Kafka names: the consumer group that reads customer events
 * (its inbox rows carry the same name) and the topics it reads. What it produces (cs.accounts.v1,
 * cs.health.v1) follows from the event types, through the outbox.
 */
export const SCORING_CONSUMER = 'health-scoring.scoring';
export const SCORING_TOPICS = [Topic.Events] as const;

/** The schema whose inbox and outbox the scoring writes, and the source its envelopes name. */
export const HEALTH_SCORING_SCHEMA = 'health_scoring';
export const HEALTH_SCORING_SOURCE = 'health-scoring';
