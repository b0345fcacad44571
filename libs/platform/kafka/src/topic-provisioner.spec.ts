import { TOPIC_DECLARATIONS, Topic, topicDeclaration } from '@tsuzuku/contracts';
import { topicConfig } from './topic-provisioner';

describe('topicConfig', () => {
  it('makes the accounts topic compacted and keeps events forever', () => {
    const accounts = topicConfig(topicDeclaration(Topic.Accounts), 1);
    expect(accounts.configEntries).toContainEqual({ name: 'cleanup.policy', value: 'compact' });
    const events = topicConfig(topicDeclaration(Topic.Events), 1);
    expect(events.configEntries).toContainEqual({ name: 'retention.ms', value: '-1' });
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
