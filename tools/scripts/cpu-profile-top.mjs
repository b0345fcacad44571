#!/usr/bin/env node
// node tools/scripts/cpu-profile-top.mjs <file.cpuprofile> [N] — where a V8 CPU profile's time
// went: the top N functions by self time, and the top files and packages, each with its share.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpu-profile-top.mjs <file.cpuprofile> [N]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Self time per node: each sample is one interval spent in the node sampled.
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
const fns = new Map();
const files = new Map();
const packages = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const url = callFrame.url.replace(/^file:\/\//, '');
  const where = url ? `${path.relative(process.cwd(), url)}:${callFrame.lineNumber + 1}` : '(native)';
  add(fns, `${callFrame.functionName || '(anonymous)'} ${where}`, us);
  add(files, url ? path.relative(process.cwd(), url) : `(${callFrame.functionName || 'native'})`, us);
  const pkg = url.includes('node_modules/')
    ? url
        .split('node_modules/')
        .pop()
        .split('/')
        .slice(0, url.split('node_modules/').pop().startsWith('@') ? 2 : 1)
        .join('/')
    : url.startsWith('node:') || !url
      ? `(node/v8: ${callFrame.functionName || 'native'})`
      : '(tsuzuku)';
  add(packages, pkg, us);
}
const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(
      `${((100 * v) / total).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
show('by package', packages, 15);
show('by file', files, top);
show('by function (self time)', fns, top);
