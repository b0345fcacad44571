import { Topic } from '@tsuzuku/contracts';

/**
 * The Kafka topics and consumer groups of the ingestion service, in one place.
 *
 * Ingestion runs no long-lived consumer group of its own: it produces, and its CredentialStore
 * follows cs.credentials.v1 under the per-instance group platform-auth names.
 */

/**
 * Where the collect path puts the calls it refused, with the reason in headers. (Valid events go
 * to cs.events.v1: the publisher routes an envelope by its type.)
 */
export const REFUSED_EVENTS_TOPIC = Topic.EventsDlq;

/** Where workspace and credential changes are announced (through the outbox), for every service's store. */
export const CREDENTIALS_TOPIC = Topic.Credentials;

/** The dead-letter topics the CLI lists and replays; the first is where replay reads by default. */
export const DEAD_LETTER_TOPICS = [Topic.DeadLetter, Topic.EventsDlq] as const;

/**
 * A dead-letter read by the CLI uses a throwaway group (deleted after the read), named with this
 * prefix and a random suffix, so two reads never share offsets.
 */
export const DEAD_LETTER_READER_GROUP_PREFIX = 'tsuzuku-cli-dlq-';

/**
 * A claim that meets event ids an earlier claim may have sent reads cs.events.v1 for them with a
 * throwaway group (deleted after the read), named with this prefix and a random suffix.
 */
export const SENT_EVENTS_READER_GROUP_PREFIX = 'tsuzuku-ingestion-sent-';
