#!/usr/bin/env node
// npm test: lint, format check, typecheck and build, unit tests, integration tests (real Kafka
// and Postgres). Ends with one line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, ensureProjectNode } from './stack.mjs';

ensureProjectNode();

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
};
const only = process.argv.slice(2);
const outDir = path.join(ROOT, '.tsuzuku', 'test-results');
mkdirSync(outDir, { recursive: true });

const steps = [
  {
    name: 'lint',
    run: () => [bin('nx'), ['show', 'projects'], { quiet: true }],
    then: () => [bin('eslint'), ['--max-warnings', '0', '.']],
  },
  { name: 'format', run: () => [bin('prettier'), ['--check', '--log-level', 'warn', '.']] },
  {
    name: 'typecheck',
    run: () => [bin('tsc'), ['-b', 'tsconfig.build.json']],
    then: () => [bin('tsc'), ['-p', 'tsconfig.json']],
  },
  { name: 'unit', jest: ['--selectProjects', 'unit'] },
  // --forceExit: a Kafka client left running by a failed test must not hang the run (jest still
  // names the open handles it had to cut).
  { name: 'integration', jest: ['--selectProjects', 'integration', '--runInBand', '--forceExit'] },
];

function exec([command, args, options = {}]) {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: options.quiet ? 'ignore' : 'inherit' });
  return result.status === 0;
}

let passed = 0;
let failed = 0;
const summary = [];
for (const step of steps) {
  if (only.length > 0 && !only.includes(step.name)) continue;
  console.log(`\n== ${step.name}`);
  const started = Date.now();
  let ok;
  if (step.jest) {
    const outputFile = path.join(outDir, `${step.name}.json`);
    ok = exec([bin('jest'), [...step.jest, '--json', `--outputFile=${outputFile}`]]);
    try {
      const report = JSON.parse(readFileSync(outputFile, 'utf8'));
      passed += report.numPassedTests;
      failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
      if (report.numTotalTests === 0) ok = false;
    } catch {
      ok = false;
      failed += 1;
    }
  } else {
    ok = exec(step.run()) && (!step.then || exec(step.then()));
    if (!ok) failed += 1;
  }
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) break;
}

console.log(`\n${summary.join('\n')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && summary.every((line) => line.startsWith('ok')) ? 0 : 1);
