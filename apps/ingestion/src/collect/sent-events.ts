import { Injectable } from '@nestjs/common';
import { Topic } from '@tsuzuku/contracts';
import { KafkaConnection, TopicSpanReader } from '@tsuzuku/platform-kafka';
import { SENT_EVENTS_READER_GROUP_PREFIX } from '../topics';

/**
 * How far around the times a send began its events can lie on the topic: the publisher stamps
 * each message with the time it was handed the envelopes, after the claim recorded the send (by
 * the database's clock) and the events' accounts were looked up. The margins cover the lookup
 * and the clocks of the database and the instances differing.
 */
const BEFORE_MS = 30_000;
const AFTER_MS = 120_000;
/** A read that takes longer fails the claim (the clients get a 503 and retry). */
const READ_TIMEOUT_MS = 20_000;

/**
 * Which event ids are on cs.events.v1 already: asked by a claim for the ids an earlier claim
 * began to send and never settled (its process died, or its connection was cut, after the send
 * began). Reads the topic's partitions over the time around those sends, looking for the ids in
 * the envelopes.
 */
@Injectable()
export class SentEvents {
  private readonly reader: TopicSpanReader;

  constructor(connection: KafkaConnection) {
    this.reader = new TopicSpanReader(connection, SENT_EVENTS_READER_GROUP_PREFIX);
  }

  /** The ids, of those given with the time their send began, that Kafka holds. */
  async found(inDoubt: ReadonlyMap<string, Date>): Promise<Set<string>> {
    if (inDoubt.size === 0) return new Set();
    const times = [...inDoubt.values()].map((t) => t.getTime());
    const spans = await this.reader.spans([Topic.Events], {
      since: new Date(Math.min(...times) - BEFORE_MS),
      until: new Date(Math.max(...times) + AFTER_MS),
    });
    const found = new Set<string>();
    await this.reader.read(spans, {
      timeoutMs: READ_TIMEOUT_MS,
      keep: (m) => {
        const id = m.value ? envelopeIdOf(m.value) : undefined;
        if (id !== undefined && inDoubt.has(id)) found.add(id);
        // Nothing is kept: the ids found are all the answer needs.
        return false;
      },
    });
    return found;
  }
}

function envelopeIdOf(value: Buffer): string | undefined {
  try {
    const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
