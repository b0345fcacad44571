import { randomUUID } from 'node:crypto';
import { Admin, ConfigResourceTypes } from 'kafkajs';
import { Topic, TopicDeclaration, topicDeclaration } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { KafkaConnection } from './kafka-connection';
import { TopicProvisioner } from './topic-provisioner';

describe('TopicProvisioner on a real Kafka', () => {
  let connection: KafkaConnection;
  let admin: Admin;
  const created: string[] = [];

  /** A topic of its own with the policy of `like` (the shared topics are left alone). */
  const declared = (like: Topic, partitions: number): TopicDeclaration => {
    const topic = `test.provision.${randomUUID().slice(0, 8)}` as Topic;
    created.push(topic);
    return { ...topicDeclaration(like), topic, partitions };
  };

  const configOf = async (topic: string): Promise<Record<string, string>> => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  };

  const partitionsOf = async (topic: string): Promise<number> => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.length;
  };

  const provisioner = () =>
    new TopicProvisioner(
      connection,
      loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] }),
    );

  beforeAll(async () => {
    connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] }),
      'test-provisioner',
    );
    admin = connection.kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  });

  it('brings an existing topic with the wrong policy and too few partitions to its declaration', async () => {
    const events = declared(Topic.Events, 6);
    // As a topic left by an older release: everything kept, deleted not compacted, 2 partitions,
    // and an override set by hand that is not Tsuzuku's to manage.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: events.topic,
          numPartitions: 2,
          replicationFactor: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '-1' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });

    const result = await provisioner().provision([events]);

    expect(result.created).toEqual([]);
    expect(result.changed).toEqual([
      {
        topic: events.topic,
        partitions: { from: 2, to: 6 },
        configs: expect.arrayContaining([
          { name: 'cleanup.policy', from: 'compact', to: 'delete' },
          { name: 'retention.ms', from: '-1', to: String(events.retentionMs) },
        ]),
      },
    ]);
    const config = await configOf(events.topic);
    expect(config['cleanup.policy']).toBe('delete');
    expect(config['retention.ms']).toBe(String(events.retentionMs));
    expect(config['max.message.bytes']).toBe('2000000');
    expect(await partitionsOf(events.topic)).toBe(6);

    // A second run finds nothing to change.
    expect((await provisioner().provision([events])).changed).toEqual([]);
  });

  it('never removes partitions, and creates a missing topic as declared', async () => {
    const accounts = declared(Topic.Accounts, 3);
    const missing = declared(Topic.DeadLetter, 2);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: accounts.topic, numPartitions: 5, replicationFactor: 1 }],
    });

    const result = await provisioner().provision([accounts, missing]);

    expect(result.created).toEqual([missing.topic]);
    expect(await partitionsOf(accounts.topic)).toBe(5);
    expect((await configOf(accounts.topic))['cleanup.policy']).toBe('compact');
    expect(await partitionsOf(missing.topic)).toBe(2);
    expect(await configOf(missing.topic)).toMatchObject({
      'cleanup.policy': 'delete',
      'retention.ms': String(missing.retentionMs),
    });
  });
});
