// Jest test sequencer for `npm test`'s sharded integration step: splits the suites between the
// shards so that each gets about the same running time, from the durations in
// integration-durations.json (seconds per suite, measured by a whole in-band run; a suite not
// listed counts as the median). Within a shard, jest's own order applies (slowest first).
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const durations = require('./integration-durations.json');

const ROOT = path.resolve(__dirname, '..', '..');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 1 : sorted[Math.floor(sorted.length / 2)];
}

class BalancedSequencer extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const fallback = median(Object.values(durations));
    const weight = (test) => durations[path.relative(ROOT, test.path).split(path.sep).join('/')] ?? fallback;
    // Heaviest first, each to the shard with the least so far (ties by path, so every shard
    // process computes the same split).
    const ordered = [...tests].sort((a, b) => weight(b) - weight(a) || (a.path < b.path ? -1 : 1));
    const loads = new Array(shardCount).fill(0);
    const mine = [];
    for (const test of ordered) {
      const lightest = loads.indexOf(Math.min(...loads));
      loads[lightest] += weight(test);
      if (lightest === shardIndex - 1) mine.push(test);
    }
    return mine;
  }
}

module.exports = BalancedSequencer;
