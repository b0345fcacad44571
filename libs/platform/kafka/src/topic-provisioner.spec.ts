import { HISTORY_RETENTION_MS, TOPIC_DECLARATIONS, Topic, topicDeclaration } from '@tsuzuku/contracts';
import { ConfigError } from '@tsuzuku/platform-config';
import { configuredTopics, topicConfig } from './topic-provisioner';

describe('topicConfig', () => {
  it('makes the state topics compacted and bounds the history streams in time', () => {
    for (const topic of [Topic.Accounts, Topic.Credentials]) {
      const state = topicConfig(topicDeclaration(topic), 1);
      expect(state.configEntries).toContainEqual({ name: 'cleanup.policy', value: 'compact' });
      expect(state.configEntries).toContainEqual({ name: 'retention.ms', value: '-1' });
    }
    for (const topic of [Topic.Events, Topic.Health, Topic.Alerts, Topic.Playbooks]) {
      const history = topicConfig(topicDeclaration(topic), 1);
      expect(history.configEntries).toContainEqual({ name: 'cleanup.policy', value: 'delete' });
      expect(history.configEntries).toContainEqual({
        name: 'retention.ms',
        value: String(HISTORY_RETENTION_MS),
      });
    }
    // Nothing but compacted state is kept forever.
    for (const d of TOPIC_DECLARATIONS) if (d.retentionMs === -1) expect(d.cleanupPolicy).toBe('compact');
    const events = topicConfig(topicDeclaration(Topic.Events), 1);
    expect(events.numPartitions).toBe(topicDeclaration(Topic.Events).partitions);
  });

  it('asks for two in-sync replicas only when there are replicas to have', () => {
    expect(topicConfig(topicDeclaration(Topic.Events), 1).configEntries).not.toContainEqual({
      name: 'min.insync.replicas',
      value: '2',
    });
    expect(topicConfig(topicDeclaration(Topic.Events), 3).configEntries).toContainEqual({
      name: 'min.insync.replicas',
      value: '2',
    });
  });

  it('declares every topic exactly once', () => {
    const names = TOPIC_DECLARATIONS.map((d) => d.topic);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(names)).toEqual(new Set(Object.values(Topic)));
  });
});

describe('configuredTopics', () => {
  const none = { KAFKA_TOPIC_PARTITIONS: [], KAFKA_TOPIC_RETENTION_MS: [] };

  it('keeps the declarations when no variable is set', () => {
    expect(configuredTopics(none)).toEqual(TOPIC_DECLARATIONS);
  });

  it('replaces the partitions and retention of the topics named, and only theirs', () => {
    const topics = configuredTopics({
      KAFKA_TOPIC_PARTITIONS: ['cs.events.v1=24', 'cs.accounts.v1=48'],
      KAFKA_TOPIC_RETENTION_MS: ['cs.events.v1=-1'],
    });
    const of = (topic: Topic) => topics.find((d) => d.topic === topic)!;
    expect(of(Topic.Events)).toMatchObject({ partitions: 24, retentionMs: -1, cleanupPolicy: 'delete' });
    expect(of(Topic.Accounts)).toMatchObject({ partitions: 48, retentionMs: -1 });
    expect(of(Topic.Health)).toEqual(topicDeclaration(Topic.Health));
  });

  it('refuses a topic Tsuzuku does not declare, naming the variable', () => {
    expect(() => configuredTopics({ ...none, KAFKA_TOPIC_PARTITIONS: ['cs.event.v1=24'] })).toThrow(
      ConfigError,
    );
    expect(() => configuredTopics({ ...none, KAFKA_TOPIC_RETENTION_MS: ['cs.other.v1=1'] })).toThrow(
      /KAFKA_TOPIC_RETENTION_MS names cs\.other\.v1/,
    );
  });
});
