import { ICustomPartitioner, Partitioners } from 'kafkajs';

/** Keys remembered per topic before the memory starts over. */
const MAX_KEYS_PER_TOPIC = 100_000;

/**
 * kafkajs' default partitioner (murmur2 of the key modulo the partition count, as the Java
 * client does) that remembers each string key's partition: every event of an account carries
 * the same key, and a map lookup costs far less than hashing it again. Keyless messages and
 * explicit partitions go to the default partitioner as they are.
 */
export const keyRememberingPartitioner: ICustomPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner();
  const topics = new Map<string, { partitions: number; byKey: Map<string, number> }>();
  return (args) => {
    const { key } = args.message;
    if (typeof key !== 'string' || args.message.partition !== undefined) return partition(args);
    let known = topics.get(args.topic);
    if (!known || known.partitions !== args.partitionMetadata.length) {
      known = { partitions: args.partitionMetadata.length, byKey: new Map() };
      topics.set(args.topic, known);
    }
    let chosen = known.byKey.get(key);
    if (chosen === undefined) {
      chosen = partition(args);
      if (known.byKey.size >= MAX_KEYS_PER_TOPIC) known.byKey.clear();
      known.byKey.set(key, chosen);
    }
    return chosen;
  };
};
