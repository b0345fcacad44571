import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for';

export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Kafka's time of the message, ms since the epoch. */
  readonly timestamp: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/**
 * Reads what arrives on topics after `start` resolved, for a test to assert on: start first,
 * then act, then `waitForMessages`.
 */
export interface TopicOffsets {
  readonly topic: string;
  readonly offsets: readonly { readonly partition: number; readonly high: string }[];
}

export class TopicReader {
  readonly messages: ReadMessage[] = [];
  private consumer?: Consumer;

  constructor(private readonly brokers: string[]) {}

  /** Where each partition of the topics ends now; `start` can begin there later. */
  async endOffsets(topics: string[]): Promise<TopicOffsets[]> {
    const admin = new Kafka({
      clientId: 'tsuzuku-test-reader',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      // A broker that has just started or created the topic may not know its leaders yet.
      return await waitFor(
        () =>
          Promise.all(
            topics.map(async (topic) => ({
              topic,
              offsets: (await admin.fetchTopicOffsets(topic)).map((o) => ({
                partition: o.partition,
                high: o.high,
              })),
            })),
          ),
        { what: `the end offsets of ${topics.join(', ')}`, timeoutMs: 30_000, intervalMs: 250 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads the topics from where they end now, or from `from` (offsets taken earlier). A broker
   * that has just started can make the new consumer crash before its group is joined; the
   * reader then starts over with a fresh consumer, from the same offsets.
   */
  async start(topics: string[], from?: TopicOffsets[]): Promise<this> {
    // Reading starts exactly there, whenever the group settles.
    const ends = from ?? (await this.endOffsets(topics));
    let lastError: unknown;
    await waitFor(
      async () => {
        try {
          await this.startOnce(topics, ends);
          return true;
        } catch (error) {
          lastError = error;
          await this.consumer?.disconnect().catch(() => undefined);
          return undefined;
        }
      },
      { what: `a test reader of ${topics.join(', ')} to join`, timeoutMs: 60_000, intervalMs: 500 },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last attempt: ${String(lastError)}`);
    });
    return this;
  }

  private async startOnce(topics: string[], ends: TopicOffsets[]): Promise<void> {
    const kafka = new Kafka({
      clientId: 'tsuzuku-test-reader',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    });
    // Until the group is joined a crash ends this attempt (start tries again); after, kafkajs
    // restarts the consumer as usual.
    let joinedOnce = false;
    const consumer = kafka.consumer({
      groupId: `test-reader-${randomUUID()}`,
      retry: { restartOnFailure: async () => joinedOnce },
    });
    this.consumer = consumer;
    // The next offset to read of every partition. A consumer restarted after a crash would
    // resume from its committed offsets, or from the end where it committed none and lose what
    // came in between: every join seeks each partition here instead.
    const next = new Map<string, { topic: string; partition: number; offset: string }>();
    for (const { topic, offsets } of ends)
      for (const { partition, high } of offsets)
        next.set(`${topic}/${partition}`, { topic, partition, offset: high });
    const seekAll = () => {
      for (const position of next.values()) consumer.seek(position);
    };
    const joined = new Promise<void>((resolve, reject) => {
      const offCrash = consumer.on(consumer.events.CRASH, (event) => {
        if (joinedOnce) return;
        offCrash();
        reject(event.payload.error);
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (joinedOnce) seekAll();
        joinedOnce = true;
        offCrash();
        resolve();
      });
    });
    joined.catch(() => undefined);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}/${partition}`;
        // A partition not in `ends` (added since) is read from where the group starts it.
        const position = next.get(key);
        if (position && BigInt(message.offset) < BigInt(position.offset)) return;
        next.set(key, { topic, partition, offset: String(BigInt(message.offset) + 1n) });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {}))
          if (v !== undefined) headers[k] = String(v);
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          timestamp: message.timestamp,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers,
        });
      },
    });
    seekAll();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        joined,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the group was not joined within 30 s')), 30_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async waitForMessages(
    predicate: (m: ReadMessage) => boolean,
    count = 1,
    timeoutMs = 20_000,
  ): Promise<ReadMessage[]> {
    return waitFor(
      () => {
        const found = this.messages.filter(predicate);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs, what: `${count} matching message(s)` },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
