import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, Message, Producer, TopicMessages } from 'kafkajs';
import {
  EVENT_TYPES,
  EventEnvelope,
  EventRegistry,
  EventType,
  Header,
  Topic,
  checkEnvelope,
  messageKey,
} from '@tsuzuku/contracts';
import { KafkaConnection } from './kafka-connection';
import { ContractViolationError } from './errors';
import { injectTraceContext } from './trace-context';

export type AnyEnvelope = { [K in EventType]: EventEnvelope<K, EventRegistry[K]> }[EventType];

export interface RawMessage {
  readonly key: string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Record<string, string>;
}

/**
 * The one way Tsuzuku writes to Kafka: every send is awaited, acknowledged by all in-sync
 * replicas, from an idempotent producer, with the trace context in the headers.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(connection: KafkaConnection) {
    this.producer = connection.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
  }

  private async ensureConnected(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
  }

  /** Validates the envelopes against their contracts and publishes them in one batch. */
  async publish(envelopes: readonly AnyEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const byTopic = new Map<Topic, Message[]>();
    for (const envelope of envelopes) {
      const checked = checkEnvelope(envelope);
      if (!checked.ok) throw new ContractViolationError(checked.violations, `event ${envelope.id}`);
      const topic = EVENT_TYPES[envelope.type].topic;
      const fallback =
        'userId' in (envelope.data as object) ? (envelope.data as { userId?: string | null }).userId : null;
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        key: messageKey(envelope.workspaceId, envelope.accountId, fallback),
        value: JSON.stringify(envelope),
        headers: injectTraceContext({
          [Header.EventType]: envelope.type,
          [Header.SpecVersion]: String(envelope.specVersion),
          [Header.WorkspaceId]: envelope.workspaceId,
        }),
      });
      byTopic.set(topic, messages);
    }
    await this.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }

  /** Publishes messages that are not event envelopes (dead letters, refused input). */
  async publishRaw(topic: Topic, messages: readonly RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.send([
      {
        topic,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: injectTraceContext({ ...(m.headers ?? {}) }),
        })),
      },
    ]);
  }

  private async send(topicMessages: TopicMessages[]): Promise<void> {
    await this.ensureConnected();
    await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}
