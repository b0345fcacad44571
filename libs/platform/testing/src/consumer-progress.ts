import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for';

/**
 * Waits until a consumer group has committed, on every partition of `topic`, the offsets the
 * topic ends at now: every message published before the call has been processed. For effects
 * that leave no mark of their own to wait on (an event applied without an inbox claim).
 */
export async function waitForGroupToCatchUp(
  groupId: string,
  topic: string,
  timeoutMs = 30_000,
): Promise<void> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: run the tests through jest');
  const admin = new Kafka({ clientId: `catch-up-${groupId}`, brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => p.offset !== '0');
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return ends.every((end) => {
          const c = committed!.partitions.find((p) => p.partition === end.partition);
          return c !== undefined && c.offset !== '-1' && BigInt(c.offset) >= BigInt(end.offset);
        })
          ? true
          : undefined;
      },
      { what: `${groupId} to reach the end of ${topic}`, timeoutMs },
    );
  } finally {
    await admin.disconnect();
  }
}
