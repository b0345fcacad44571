#!/usr/bin/env node
// Writes tools/scripts/integration-durations.json (seconds per integration suite, which
// balanced-sequencer.cjs splits the shards by) from the reports of the last `npm test`
// (.tsuzuku/test-results/integration*.json). Run it after a whole run when suites were added or
// have grown; suites absent from the reports keep their old figure.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './stack.mjs';

const resultsDir = path.join(ROOT, '.tsuzuku', 'test-results');
const target = path.join(ROOT, 'tools', 'scripts', 'integration-durations.json');
const durations = existsSync(target) ? JSON.parse(readFileSync(target, 'utf8')) : {};
const reports = readdirSync(resultsDir).filter((f) => /^integration(-\d+)?\.json$/.test(f));
let measured = 0;
for (const file of reports) {
  const report = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8'));
  for (const suite of report.testResults) {
    // Relative to the checkout the report was made in (this one, or another of the same tree).
    const relative = suite.name
      .split(path.sep)
      .join('/')
      .match(/\/((?:apps|libs|tests|tools)\/.*)$/)?.[1];
    if (!relative) continue;
    durations[relative] = Math.round((suite.endTime - suite.startTime) / 100) / 10;
    measured++;
  }
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(target, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(
  `${measured} suite(s) measured in ${reports.join(', ')}; ${Object.keys(sorted).length} in ${path.relative(ROOT, target)}`,
);
