#!/usr/bin/env node
// npm run bench — every service's benchmark, then the end-to-end latency run, one after the
// other (they share the two cores), and bench/results.md: one table of every figure with its
// target, and where there is one its baseline and ratio, plus the machine it ran on.
//
// BENCH_ONLY=ingest,e2e runs a subset; figures of the others are taken from their last run
// (bench/results/<name>.json) and marked with that run's time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './common.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = [
  { name: 'ingest', script: 'ingest.mjs' },
  { name: 'scoring', script: 'scoring.mjs' },
  { name: 'alerting', script: 'alerting.mjs' },
  { name: 'playbooks', script: 'playbooks.mjs' },
  { name: 'reporting', script: 'reporting.mjs' },
  { name: 'e2e', script: 'e2e.mjs' },
];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

const build = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const outcomes = [];
const started = new Date();
for (const bench of BENCHES) {
  if (only && !only.includes(bench.name)) continue;
  console.log(`\n===== bench: ${bench.name}`);
  const t = Date.now();
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bench', bench.script)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, BENCH_NO_BUILD: '1' },
  });
  outcomes.push({ name: bench.name, ok: run.status === 0, seconds: (Date.now() - t) / 1000 });
}

const fmt = (n) =>
  typeof n !== 'number' || !Number.isFinite(n)
    ? String(n ?? '')
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en-US')
      : Number.isInteger(n)
        ? String(n)
        : n.toFixed(2);
const rows = [];
for (const bench of BENCHES) {
  const file = path.join(ROOT, 'bench', 'results', `${bench.name}.json`);
  const outcome = outcomes.find((o) => o.name === bench.name);
  if (!existsSync(file) || (outcome && !outcome.ok)) {
    rows.push(
      `| ${bench.name} | ${outcome && !outcome.ok ? 'FAILED — see its output' : 'not run'} | | | | |`,
    );
    continue;
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const when = outcome ? '' : ` (run ${result.ranAt.slice(0, 16).replace('T', ' ')})`;
  for (const f of result.figures)
    rows.push(
      `| ${result.title}${when} | ${f.figure} | ${fmt(f.value)} | ${f.target ?? ''} | ${f.baseline === undefined || f.baseline === null ? '' : `${fmt(f.baseline)}${f.baselineName ? ` (${f.baselineName})` : ''}`} | ${f.ratio === undefined || f.ratio === null ? '' : fmt(f.ratio)} |`,
    );
}
const report = [
  '# Benchmark results',
  '',
  `${started.toISOString()} — ${machine()}; Kafka, Postgres, the services and the load generators share these cores.`,
  'Produced by `npm run bench`; each figure comes from the script named in its section of the README.',
  '',
  '| service | figure | value | target | baseline (same run) | ratio |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  outcomes.map((o) => `- ${o.name}: ${o.ok ? 'ok' : 'FAILED'} in ${o.seconds.toFixed(0)} s`).join('\n'),
  '',
].join('\n');
writeFileSync(path.join(ROOT, 'bench', 'results.md'), report);
console.log(`\n${report}`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
