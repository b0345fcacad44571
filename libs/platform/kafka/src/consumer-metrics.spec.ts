import { partitionLag } from './consumer-metrics';

describe('partitionLag', () => {
  it.each([
    // high, low, committed, lag
    ['120', '0', '100', 20],
    ['120', '0', '120', 0],
    // Nothing committed yet: everything still on the partition is to be read.
    ['120', '0', '-1', 120],
    ['120', '30', '-1', 90],
    // Retention removed messages the group never read: it cannot read more than what is left.
    ['120', '110', '100', 10],
    // An empty partition.
    ['0', '0', '-1', 0],
  ])('high %s, low %s, committed %s: %d behind', (high, low, committed, lag) => {
    expect(partitionLag(high, low, committed)).toBe(lag);
  });
});
