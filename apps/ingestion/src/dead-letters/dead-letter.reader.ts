import { Injectable } from '@nestjs/common';
import { KafkaConnection, SpanMessage, TopicSpanReader } from '@tsuzuku/platform-kafka';
import { DeadLetterMessage, DeadLetterTopic } from './domain/dead-letter';
import { DEAD_LETTER_READER_GROUP_PREFIX } from '../topics';

/** Reads dead-letter topics from a time (or their beginning) up to where they ended when the read began. */
@Injectable()
export class DeadLetterReader {
  private readonly reader: TopicSpanReader;

  constructor(connection: KafkaConnection) {
    this.reader = new TopicSpanReader(connection, DEAD_LETTER_READER_GROUP_PREFIX);
  }

  async read(topics: readonly DeadLetterTopic[], since?: Date): Promise<DeadLetterMessage[]> {
    const messages = await this.reader.read(await this.reader.spans(topics, { since }));
    return messages.map(deadLetterMessage);
  }

  /** One message, or undefined when the partition does not hold that offset (any more). */
  async readOne(
    topic: DeadLetterTopic,
    partition: number,
    offset: string,
  ): Promise<DeadLetterMessage | undefined> {
    const kept = (await this.reader.spans([topic])).find((s) => s.partition === partition);
    if (!kept || BigInt(offset) < BigInt(kept.start) || BigInt(offset) >= BigInt(kept.end)) return undefined;
    const [message] = await this.reader.read([
      { topic, partition, start: offset, end: String(BigInt(offset) + 1n) },
    ]);
    return message && deadLetterMessage(message);
  }
}

function deadLetterMessage(message: SpanMessage): DeadLetterMessage {
  return {
    ...message,
    topic: message.topic as DeadLetterTopic,
    value: message.value ? message.value.toString('utf8') : null,
  };
}
