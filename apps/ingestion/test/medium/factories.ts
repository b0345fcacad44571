import { randomUUID } from 'node:crypto';
import { checkEnvelope, Topic } from '@tsuzuku/contracts';
import { AnyEnvelope, EventPublisher, OutboxRelay, RawMessage } from '@tsuzuku/platform-kafka';
import { CollectRequest } from '../../src/collect/collect.service';
import { IngestionConfig } from '../../src/config/ingestion.config';

/** Small builders of ingestion's data for medium tests; every field can be overridden. */

/** A workspace of its own for each test. */
export const newWorkspace = (): string => `ws_${randomUUID().slice(0, 8)}`;

/** The configuration the collect path reads, as the medium tests set it. */
export const mediumConfig = (overrides: Partial<IngestionConfig> = {}): IngestionConfig =>
  Object.assign(new IngestionConfig(), { DATABASE_POOL_SIZE: 4, ...overrides });

/** A track call of a user, stamped at `at`, with a messageId of its own unless given. */
export const trackCall = (at: Date, o: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'track',
  event: 'Report Exported',
  userId: 'u1',
  messageId: `m-${randomUUID()}`,
  timestamp: at.toISOString(),
  ...o,
});

/** A group call: the user joins the account at `at`. */
export const groupCall = (
  at: Date,
  accountId: string,
  o: Record<string, unknown> = {},
): Record<string, unknown> => ({
  type: 'group',
  groupId: accountId,
  userId: 'u1',
  messageId: `m-${randomUUID()}`,
  timestamp: at.toISOString(),
  ...o,
});

/** A live /v1/batch request of the workspace. */
export const batchRequest = (
  workspaceId: string,
  items: readonly unknown[],
  o: Partial<CollectRequest> = {},
): CollectRequest => ({
  workspaceId,
  items,
  mode: 'live',
  correlationId: randomUUID(),
  ...o,
});

/**
 * Kafka as the collect path sees it, in memory: keeps what was published (after checking each
 * envelope against its contract, as the real publisher does), or refuses every send while
 * `refusing` is set.
 */
export class RecordingPublisher {
  readonly events: AnyEnvelope[] = [];
  readonly raw: { topic: Topic; message: RawMessage }[] = [];
  refusing = false;
  /** Stores the events, then fails: as a broker whose acknowledgement was lost. */
  losingAcknowledgements = false;

  async publish(envelopes: readonly AnyEnvelope[]): Promise<void> {
    this.refuseIfAsked();
    for (const envelope of envelopes) {
      const checked = checkEnvelope(envelope);
      if (!checked.ok) throw new Error(`envelope ${envelope.id} breaks its contract`);
    }
    this.events.push(...envelopes);
    if (this.losingAcknowledgements) throw new Error('the acknowledgement was lost (recording publisher)');
  }

  async publishRaw(topic: Topic, messages: readonly RawMessage[]): Promise<void> {
    this.refuseIfAsked();
    this.raw.push(...messages.map((message) => ({ topic, message })));
  }

  /** The publisher as the services take it. */
  asPublisher(): EventPublisher {
    return this as unknown as EventPublisher;
  }

  private refuseIfAsked(): void {
    if (this.refusing) throw new Error('the broker refused the send (recording publisher)');
  }
}

/**
 * The outbox relay as a medium test needs it: no Kafka, no notifications between replicas; it
 * counts the flushes the credentials service asks for (the rows stay in ingestion.outbox).
 */
export class StillRelay {
  flushes = 0;

  onNotification(): void {}

  async flush(): Promise<void> {
    this.flushes++;
  }

  asRelay(): OutboxRelay {
    return this as unknown as OutboxRelay;
  }
}
