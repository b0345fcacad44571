// The ceiling for ingestion on this machine: Fastify parses a Segment batch and kafkajs publishes
// its events in one awaited send (acks all, idempotent), with no validation, no database and no
// auth. `node bench/bare-publisher.mjs <brokers> <topic>` prints its URL.
import Fastify from 'fastify';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const [brokers = '127.0.0.1:9092', topic = 'bench.bare.v1'] = process.argv.slice(2);
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
const publish = async (calls) => {
  await producer.send({
    topic,
    acks: -1,
    messages: calls.map((call) => ({
      key: String(call.userId ?? call.anonymousId ?? ''),
      value: JSON.stringify(call),
    })),
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
