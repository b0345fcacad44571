// The ceiling for ingestion on this machine: Fastify parses a Segment batch and kafkajs publishes
// its events in one awaited send (acks all, idempotent), with no validation, no database and no
// auth. `node bench/bare-publisher.mjs <brokers> <topic> [envelope]` prints its URL. With
// `envelope`, each call is wrapped as ingestion wraps it (the customer.event.recorded envelope,
// keyed by account, with a traceparent header) and nothing else is done: the ceiling of any
// handler that publishes the envelope with kafkajs.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const [brokers = '127.0.0.1:9092', topic = 'bench.bare.v1', mode = 'raw'] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'bench-bare', brokers: brokers.split(','), logLevel: logLevel.WARN });
const admin = kafka.admin();
await admin.connect();
await admin
  .createTopics({ topics: [{ topic, numPartitions: 12, replicationFactor: 1 }] })
  .catch(() => undefined);
await admin.disconnect();
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();

const app = Fastify({ bodyLimit: 500 * 1024 });
const workspaceId = randomUUID();
const traceparent = `00-${randomUUID().replace(/-/g, '')}-${randomUUID().slice(0, 18).replace(/-/g, '')}-01`;
const asEnvelope = (call, now) => {
  const accountId = call.context?.groupId ?? null;
  return {
    key: `${workspaceId}:${accountId ?? `~${call.userId}`}`,
    value: Buffer.from(
      JSON.stringify({
        specVersion: 1,
        id: randomUUID(),
        type: 'customer.event.recorded',
        workspaceId,
        accountId,
        occurredAt: call.timestamp ?? now,
        producedAt: now,
        source: 'ingestion',
        correlationId: workspaceId,
        causationId: null,
        data: {
          call: call.type,
          messageId: call.messageId,
          event: call.event,
          userId: call.userId ?? null,
          anonymousId: call.anonymousId ?? null,
          properties: call.properties ?? {},
          traits: call.traits ?? {},
          context: call.context ?? {},
          timestamp: call.timestamp ?? now,
          receivedAt: now,
          sentAt: null,
          originalTimestamp: call.timestamp ?? null,
        },
      }),
    ),
    headers: { traceparent },
  };
};
const publish = async (calls) => {
  const now = new Date().toISOString();
  await producer.send({
    topic,
    acks: -1,
    messages: calls.map((call) =>
      mode === 'envelope'
        ? asEnvelope(call, now)
        : { key: String(call.userId ?? call.anonymousId ?? ''), value: JSON.stringify(call) },
    ),
  });
  return { success: true };
};
app.post('/v1/batch', (request) => publish(request.body.batch));
app.post('/v1/track', (request) => publish([request.body]));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on ${address}`);
process.on('SIGTERM', async () => {
  await app.close();
  await producer.disconnect();
  process.exit(0);
});
