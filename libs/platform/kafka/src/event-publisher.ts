import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Context, Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { CompressionTypes, Message, Producer, TopicMessages } from 'kafkajs';
import { AnyEventEnvelope, EVENT_TYPES, Topic, checkEnvelope, messageKey } from '@tsuzuku/contracts';
import { KafkaConnection, PRODUCER_RETRY } from './kafka-connection';
import { Coalescer } from './coalescer';
import { ContractViolationError } from './errors';
import { extractTraceContext } from './trace-context';
import { keyRememberingPartitioner } from './partitioner';

export type AnyEnvelope = AnyEventEnvelope;

export interface RawMessage {
  readonly key: string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Record<string, string>;
  /** The message timestamp (epoch milliseconds as a decimal string); absent: the time of the send. */
  readonly timestamp?: string;
}

/** Sends waiting behind the one in flight are merged up to this many bytes of values. */
const COALESCE_MAX_BYTES = 900 * 1024;

const tracer = trace.getTracer('tsuzuku-kafka');

/** A producer span's context, as the headers of the messages it sends. */
function headersIn(
  span: Span,
  parent: Context,
  extra?: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  propagation.inject(trace.setSpan(parent, span), headers);
  return headers;
}

/**
 * The one way Tsuzuku writes to Kafka: every send is awaited, acknowledged by all in-sync
 * replicas, from an idempotent producer, with the trace context in the headers.
 *
 * kafkajs lets an idempotent producer have one produce request in flight per broker, so
 * concurrent sends would queue one round trip each. Instead, the sends that arrive while one
 * is in flight are merged into the next request (each caller still awaits its own messages'
 * acknowledgement, and a failed request fails every caller in it).
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  private readonly sends = new Coalescer<TopicMessages[]>((groups) => this.sendNow(mergeByTopic(groups)), {
    maxWeight: COALESCE_MAX_BYTES,
    weigh: (topicMessages) => {
      let bytes = 0;
      for (const { messages } of topicMessages)
        for (const m of messages)
          bytes +=
            m.value === null ? 0 : Buffer.isBuffer(m.value) ? m.value.length : Buffer.byteLength(m.value);
      return bytes;
    },
  });

  constructor(connection: KafkaConnection) {
    this.producer = connection.producerClient().producer({
      idempotent: true,
      // Murmur2 on the key, as the Java client: workspaceId:accountId lands where Kafka Streams
      // expects. Each key's partition is remembered.
      createPartitioner: keyRememberingPartitioner,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      // Retried through a broker restart: see KafkaConnection.producerClient.
      retry: PRODUCER_RETRY,
    });
  }

  private async ensureConnected(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
  }

  /**
   * Validates the envelopes against their contracts and publishes them in one batch. The
   * envelope is the whole message (type, spec version and workspace are in the value, the
   * workspace also in the key); the headers carry only the trace context.
   */
  async publish(envelopes: readonly AnyEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const byTopic = new Map<Topic, Message[]>();
    // The messages' time is when they were handed over, not when a retry of the send encoded
    // them: a reader looking for them by time (ingestion, after a claim that ended unsettled)
    // knows where to look.
    const timestamp = String(Date.now());
    const parent = context.active();
    const spans = new Map<Topic, { span: Span; headers: Record<string, string> }>();
    const spanOf = (topic: Topic) => {
      let producing = spans.get(topic);
      if (!producing) {
        const span = producerSpan(topic, parent);
        producing = { span, headers: headersIn(span, parent) };
        spans.set(topic, producing);
      }
      return producing;
    };
    for (const envelope of envelopes) {
      const checked = checkEnvelope(envelope);
      if (!checked.ok) {
        for (const { span } of spans.values()) span.end();
        throw new ContractViolationError(checked.violations, `event ${envelope.id}`);
      }
      const topic = EVENT_TYPES[envelope.type].topic;
      const fallback =
        'userId' in (envelope.data as object) ? (envelope.data as { userId?: string | null }).userId : null;
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        key: messageKey(envelope.workspaceId, envelope.accountId, fallback),
        // Bytes once: weighed by length here, copied as they are by kafkajs.
        value: Buffer.from(JSON.stringify(envelope)),
        headers: spanOf(topic).headers,
        timestamp,
      });
      byTopic.set(topic, messages);
    }
    await ended(
      [...spans].map(([topic, { span }]) => ({ span, count: byTopic.get(topic)!.length })),
      this.send([...byTopic].map(([topic, messages]) => ({ topic, messages }))),
    );
  }

  /**
   * Publishes messages as they are (outbox rows, dead letters, refused input). A message whose
   * headers carry a trace context (an outbox row keeps the one it was written in) is sent in that
   * trace; the others in the active one. One producer span per trace in the call.
   */
  async publishRaw(topic: Topic, messages: readonly RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const active = context.active();
    const spans = new Map<string, { span: Span; parent: Context; count: number }>();
    const sent: Message[] = messages.map((m) => {
      const traceparent = m.headers?.['traceparent'] ?? '';
      let producing = spans.get(traceparent);
      if (!producing) {
        const parent = traceparent ? extractTraceContext(m.headers!) : active;
        producing = { span: producerSpan(topic, parent), parent, count: 0 };
        spans.set(traceparent, producing);
      }
      producing.count++;
      return {
        key: m.key,
        value: m.value,
        headers: headersIn(producing.span, producing.parent, m.headers),
        ...(m.timestamp !== undefined && { timestamp: m.timestamp }),
      };
    });
    await ended([...spans.values()], this.send([{ topic, messages: sent }]));
  }

  private send(topicMessages: TopicMessages[]): Promise<void> {
    return this.sends.add(topicMessages);
  }

  private async sendNow(topicMessages: TopicMessages[]): Promise<void> {
    await this.ensureConnected();
    await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}

/** A producer span (OpenTelemetry messaging conventions) for a send to `topic`. */
function producerSpan(topic: string, parent: Context): Span {
  return tracer.startSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'publish',
        'messaging.destination.name': topic,
      },
    },
    parent,
  );
}

/** Ends producer spans when the send they cover is acknowledged (or fails). */
async function ended(spans: readonly { span: Span; count: number }[], send: Promise<void>): Promise<void> {
  try {
    await send;
  } catch (error) {
    for (const { span } of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
    throw error;
  } finally {
    for (const { span, count } of spans) {
      if (count > 1) span.setAttribute('messaging.batch.message_count', count);
      span.end();
    }
  }
}

function mergeByTopic(groups: readonly TopicMessages[][]): TopicMessages[] {
  if (groups.length === 1) return groups[0]!;
  const byTopic = new Map<string, Message[]>();
  for (const topicMessages of groups)
    for (const { topic, messages } of topicMessages) {
      const merged = byTopic.get(topic);
      if (merged) merged.push(...messages);
      else byTopic.set(topic, [...messages]);
    }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
