/** Every Kafka topic of Tsuzuku, versioned in its name. */
export enum Topic {
  /** Validated customer events, as accepted by ingestion. */
  Events = 'cs.events.v1',
  /** Events ingestion accepted but could not validate, with the reason in headers. */
  EventsDlq = 'cs.events.dlq.v1',
  /** Latest profile and health per account (compacted). */
  Accounts = 'cs.accounts.v1',
  /** Health score and band changes. */
  Health = 'cs.health.v1',
  /** Alerts raised, updated and resolved. */
  Alerts = 'cs.alerts.v1',
  /** Playbook runs, steps and CSM tasks. */
  Playbooks = 'cs.playbooks.v1',
  /** Messages a consuming service could not process after retries. */
  DeadLetter = 'cs.deadletter.v1',
  /** Write keys and API tokens (hashes only), compacted: every service's credential store. */
  Credentials = 'cs.credentials.v1',
  /** Workspace settings other services apply (the fallback owner), compacted, keyed by workspace. */
  Workspaces = 'cs.workspaces.v1',
}

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicDeclaration {
  readonly topic: Topic;
  /** Default partition count (KAFKA_TOPIC_PARTITIONS may raise it). */
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** Retention in milliseconds; -1 keeps messages forever (KAFKA_TOPIC_RETENTION_MS may change it). */
  readonly retentionMs: number;
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long the history streams are kept: 400 days, so `reporting:rebuild` can replay at least the
 * last twelve full months (reporting's read models in Postgres keep every month for good; the
 * topics are the way to rebuild them, not their archive).
 */
export const HISTORY_RETENTION_MS = 400 * DAY_MS;

/** How long messages nobody could process are kept, to be looked at and replayed. */
export const DEAD_LETTER_RETENTION_MS = 30 * DAY_MS;

/**
 * Partitions, retention and compaction of each topic, provisioned at boot by every service and
 * reconciled on existing topics (docs/topics.md says why each is what it is):
 * - history streams (customer events, health changes, alerts, playbook activity): delete after
 *   HISTORY_RETENTION_MS;
 * - state keyed by an id (account snapshots, credentials, workspace settings): compacted, the
 *   latest value of every key kept for good, so a new consumer can load the whole state;
 * - dead letters and refused events: delete after DEAD_LETTER_RETENTION_MS.
 */
export const TOPIC_DECLARATIONS: readonly TopicDeclaration[] = [
  {
    topic: Topic.Events,
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: HISTORY_RETENTION_MS,
    description: 'customer events keyed workspaceId:accountId',
  },
  {
    topic: Topic.EventsDlq,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: DEAD_LETTER_RETENTION_MS,
    description: 'events refused by validation, with the reasons',
  },
  {
    topic: Topic.Accounts,
    partitions: 12,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'latest account profile and health, keyed workspaceId:accountId',
  },
  {
    topic: Topic.Health,
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: HISTORY_RETENTION_MS,
    description: 'health score and band changes',
  },
  {
    topic: Topic.Alerts,
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: HISTORY_RETENTION_MS,
    description: 'alert lifecycle events',
  },
  {
    topic: Topic.Playbooks,
    partitions: 12,
    cleanupPolicy: 'delete',
    retentionMs: HISTORY_RETENTION_MS,
    description: 'playbook runs, steps and tasks',
  },
  {
    topic: Topic.Credentials,
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'credential records keyed by credential id; a revocation replaces the record',
  },
  {
    topic: Topic.Workspaces,
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    description: 'workspace settings (workspace.settings.updated) keyed by workspace id; the latest is kept',
  },
  {
    topic: Topic.DeadLetter,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: DEAD_LETTER_RETENTION_MS,
    description: 'messages a consumer gave up on, with reason and origin in headers',
  },
];

export function topicDeclaration(topic: Topic): TopicDeclaration {
  const declaration = TOPIC_DECLARATIONS.find((d) => d.topic === topic);
  if (!declaration) throw new Error(`topic ${topic} has no declaration`);
  return declaration;
}
