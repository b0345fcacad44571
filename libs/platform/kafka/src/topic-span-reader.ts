import { randomUUID } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';
import { headersToStrings } from './trace-context';

/** Offsets `start` (included) to `end` (excluded) of one partition. */
export interface TopicSpan {
  readonly topic: string;
  readonly partition: number;
  readonly start: string;
  readonly end: string;
}

/** A message read from a span, as stored (the value undecoded). */
export interface SpanMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** Which messages of topics a read covers: those stored from `since` and before `until`, by message time. */
export interface SpanBounds {
  readonly since?: Date;
  readonly until?: Date;
}

const DEFAULT_READ_TIMEOUT_MS = 60_000;

/**
 * Reads spans of topics, then stops: for reads on request (the dead letters the CLI lists, the
 * events a crashed claim may have published), not for following a topic. kafkajs has no
 * group-less consumer: a read uses a group of its own, named with the prefix and a random
 * suffix, that commits nothing and is deleted at the end, so nothing piles up on the broker.
 */
export class TopicSpanReader {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly groupPrefix: string,
  ) {}

  /**
   * The spans of the topics' partitions between the bounds, by message time; without bounds,
   * from the oldest message kept to where each partition ends now.
   */
  async spans(topics: readonly string[], bounds: SpanBounds = {}): Promise<TopicSpan[]> {
    const admin = this.connection.kafka.admin();
    await admin.connect();
    try {
      const spans: TopicSpan[] = [];
      for (const topic of topics) {
        const kept = await admin.fetchTopicOffsets(topic);
        const offsetAt = async (time: Date | undefined) =>
          time ? await admin.fetchTopicOffsetsByTimestamp(topic, time.getTime()) : undefined;
        const [from, to] = [await offsetAt(bounds.since), await offsetAt(bounds.until)];
        for (const { partition, low, high } of kept) {
          // The first offset at or after a time, or -1 when no message is that recent.
          const at = (found: { partition: number; offset: string }[] | undefined, fallback: string) => {
            const offset = found?.find((o) => o.partition === partition)?.offset;
            if (offset === undefined) return fallback;
            if (offset === '-1') return high;
            return BigInt(offset) < BigInt(low) ? low : offset;
          };
          spans.push({ topic, partition, start: at(from, low), end: at(to, high) });
        }
      }
      return spans;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The messages of the spans that `keep` takes (all by default), in topic, partition and
   * offset order. Fails when the read takes longer than `timeoutMs`.
   */
  async read(
    all: readonly TopicSpan[],
    options: { keep?: (message: KafkaMessage) => boolean; timeoutMs?: number } = {},
  ): Promise<SpanMessage[]> {
    const spans = all.filter((s) => BigInt(s.start) < BigInt(s.end));
    if (spans.length === 0) return [];
    const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    const groupId = `${this.groupPrefix}${randomUUID()}`;
    const consumer = this.connection.kafka.consumer({
      groupId,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    const messages: SpanMessage[] = [];
    const left = new Set(spans.map((s) => `${s.topic}/${s.partition}`));
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading ${describe(spans)} took over ${timeoutMs} ms`)),
          timeoutMs,
        );
        consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
        const run = async () => {
          await consumer.subscribe({ topics: [...new Set(spans.map((s) => s.topic))] });
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const span = spans.find((s) => s.topic === batch.topic && s.partition === batch.partition);
              if (!span) return;
              for (const m of batch.messages) {
                if (BigInt(m.offset) < BigInt(span.start) || BigInt(m.offset) >= BigInt(span.end)) continue;
                if (options.keep && !options.keep(m)) continue;
                messages.push({
                  topic: span.topic,
                  partition: span.partition,
                  offset: m.offset,
                  timestamp: Number(m.timestamp),
                  key: m.key ? m.key.toString('utf8') : null,
                  value: m.value,
                  headers: headersToStrings(m.headers),
                });
              }
              const last = batch.messages[batch.messages.length - 1];
              if (last && BigInt(last.offset) + 1n >= BigInt(span.end))
                left.delete(`${span.topic}/${span.partition}`);
              if (left.size === 0) resolve();
            },
          });
          // Applied once the partitions are assigned: each is read from its start, not from a commit.
          for (const s of spans) consumer.seek({ topic: s.topic, partition: s.partition, offset: s.start });
        };
        run().catch(reject);
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
    return messages.sort((a, b) =>
      a.topic !== b.topic
        ? a.topic.localeCompare(b.topic)
        : a.partition !== b.partition
          ? a.partition - b.partition
          : Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.connection.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // A group that committed nothing may be gone already; either way nothing is kept.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

function describe(spans: readonly TopicSpan[]): string {
  return [...new Set(spans.map((s) => s.topic))].join(', ');
}
