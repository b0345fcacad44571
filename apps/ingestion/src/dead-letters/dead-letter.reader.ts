import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { KafkaConnection, headersToStrings } from '@tsuzuku/platform-kafka';
import { DeadLetterMessage, DeadLetterTopic } from './domain/dead-letter';
import { DEAD_LETTER_READER_GROUP_PREFIX } from '../topics';

/** Where one partition is read: from `start` up to `end` (exclusive), the end it had when reading began. */
interface PartitionRange {
  readonly topic: DeadLetterTopic;
  readonly partition: number;
  readonly start: string;
  readonly end: string;
}

const READ_TIMEOUT_MS = 60_000;

/**
 * Reads dead-letter topics from a time (or their beginning) up to where they ended when the read
 * began, then stops. kafkajs has no group-less consumer: the read uses a group of its own that
 * commits nothing and is deleted at the end, so nothing piles up on the broker.
 */
@Injectable()
export class DeadLetterReader {
  constructor(private readonly connection: KafkaConnection) {}

  async read(topics: readonly DeadLetterTopic[], since?: Date): Promise<DeadLetterMessage[]> {
    return this.readRanges(await this.ranges(topics, since));
  }

  /** One message, or undefined when the partition does not hold that offset (any more). */
  async readOne(
    topic: DeadLetterTopic,
    partition: number,
    offset: string,
  ): Promise<DeadLetterMessage | undefined> {
    const bounds = (await this.ranges([topic])).find((r) => r.partition === partition);
    if (!bounds || BigInt(offset) < BigInt(bounds.start) || BigInt(offset) >= BigInt(bounds.end))
      return undefined;
    const [message] = await this.readRanges([
      { topic, partition, start: offset, end: String(BigInt(offset) + 1n) },
    ]);
    return message;
  }

  private async readRanges(all: readonly PartitionRange[]): Promise<DeadLetterMessage[]> {
    const ranges = all.filter((r) => BigInt(r.start) < BigInt(r.end));
    if (ranges.length === 0) return [];
    const groupId = `${DEAD_LETTER_READER_GROUP_PREFIX}${randomUUID()}`;
    const consumer = this.connection.kafka.consumer({
      groupId,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    const messages: DeadLetterMessage[] = [];
    const left = new Set(ranges.map((r) => `${r.topic}/${r.partition}`));
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading the dead letters took over ${READ_TIMEOUT_MS} ms`)),
          READ_TIMEOUT_MS,
        );
        consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
        const run = async () => {
          await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))] });
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const range = ranges.find((r) => r.topic === batch.topic && r.partition === batch.partition);
              if (!range) return;
              for (const m of batch.messages) {
                if (BigInt(m.offset) < BigInt(range.start) || BigInt(m.offset) >= BigInt(range.end)) continue;
                messages.push({
                  topic: range.topic,
                  partition: range.partition,
                  offset: m.offset,
                  timestamp: Number(m.timestamp),
                  key: m.key ? m.key.toString('utf8') : null,
                  value: m.value ? m.value.toString('utf8') : null,
                  headers: headersToStrings(m.headers),
                });
              }
              const last = batch.messages[batch.messages.length - 1];
              if (last && BigInt(last.offset) + 1n >= BigInt(range.end))
                left.delete(`${range.topic}/${range.partition}`);
              if (left.size === 0) resolve();
            },
          });
          // Applied once the partitions are assigned: each is read from its start, not from a commit.
          for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: r.start });
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

  private async ranges(topics: readonly DeadLetterTopic[], since?: Date): Promise<PartitionRange[]> {
    const admin = this.connection.kafka.admin();
    await admin.connect();
    try {
      const ranges: PartitionRange[] = [];
      for (const topic of topics) {
        const bounds = await admin.fetchTopicOffsets(topic);
        const fromTime = since ? await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime()) : undefined;
        for (const { partition, low, high } of bounds) {
          const at = fromTime?.find((o) => o.partition === partition)?.offset;
          // -1: no message at or after that time.
          const start = at === undefined ? low : at === '-1' ? high : BigInt(at) < BigInt(low) ? low : at;
          ranges.push({ topic, partition, start, end: high });
        }
      }
      return ranges;
    } finally {
      await admin.disconnect();
    }
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
