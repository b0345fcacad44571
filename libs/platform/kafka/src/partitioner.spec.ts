import { PartitionerArgs, Partitioners } from 'kafkajs';
import { keyRememberingPartitioner } from './partitioner';

const metadata = (count: number): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

describe('keyRememberingPartitioner', () => {
  const keys = Array.from({ length: 300 }, (_, i) => `ws-${i % 7}:account-${i}`);

  it('chooses the partition of kafkajs default partitioner for every key, first and again', () => {
    const remembering = keyRememberingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [12, 12, 5]) {
      for (const key of [...keys, ...keys]) {
        const args = { topic: 't', partitionMetadata: metadata(count), message: { key, value: 'v' } };
        expect(remembering(args)).toBe(reference(args));
      }
    }
  });

  it('keeps topics apart and leaves an explicit partition as it is', () => {
    const remembering = keyRememberingPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const key = 'ws:account-1';
    const on = (topic: string, count: number) => ({
      topic,
      partitionMetadata: metadata(count),
      message: { key, value: 'v' },
    });
    expect(remembering(on('a', 12))).toBe(reference(on('a', 12)));
    expect(remembering(on('b', 7))).toBe(reference(on('b', 7)));
    expect(remembering(on('a', 12))).toBe(reference(on('a', 12)));
    expect(
      remembering({
        topic: 'a',
        partitionMetadata: metadata(12),
        message: { key, value: 'v', partition: 3 },
      }),
    ).toBe(3);
  });
});
