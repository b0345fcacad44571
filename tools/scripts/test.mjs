#!/usr/bin/env node
// npm test: lint, format check, typecheck and build, unit tests, integration tests (real Kafka
// and Postgres). Ends with one line "tests: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { ROOT, ensureProjectNode } from './stack.mjs';

ensureProjectNode();

const require = createRequire(import.meta.url);
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
  {
    name: 'integration',
    jest: ['--selectProjects', 'integration', '--runInBand', '--forceExit'],
    sharded: true,
  },
];

/**
 * How many jest processes run the integration suites side by side (TSUZUKU_TEST_SHARDS, default
 * 2). Most of an integration suite's time is spent waiting on Kafka and Postgres, not on the
 * cores. Each shard has a broker of its own (the consumer groups of one service would otherwise
 * share the partitions between two suites); Postgres is shared, each suite having its own
 * databases. With KAFKA_BROKERS naming a cluster of the caller's, the suites run in one process.
 */
const SHARDS = process.env['KAFKA_BROKERS']
  ? 1
  : Math.max(1, Number(process.env['TSUZUKU_TEST_SHARDS'] ?? 2));
/** Shard k > 1 has its broker this far above the shared one (room for the private ports tests add to it). */
const SHARD_PORT_STEP = 300;

function exec([command, args, options = {}]) {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: options.quiet ? 'ignore' : 'inherit' });
  return result.status === 0;
}

/** The counts of a jest --json report; not ok when it is missing or ran no test. */
function countResults(outputFile) {
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    return {
      ok: report.numTotalTests > 0,
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
      failures: failuresOf(report),
    };
  } catch {
    return { ok: false, passed: 0, failed: 1, failures: [`no jest report in ${outputFile}`] };
  }
}

/**
 * Each failed test of a jest --json report, with the start of its message: printed again at the
 * end of the run, where a reader of only the last lines (a CI excerpt) still sees what failed.
 */
function failuresOf(report) {
  const shorten = (text) =>
    stripVTControlCharacters(text)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(0, 14)
      .join('\n')
      .slice(0, 1500);
  const found = [];
  for (const suite of report.testResults ?? []) {
    const file = path.relative(ROOT, suite.name);
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests)
      found.push(`${file} › ${t.fullName}\n${shorten((t.failureMessages ?? []).join('\n'))}`);
    if (failedTests.length === 0 && suite.status === 'failed')
      found.push(`${file}\n${shorten(suite.message ?? '')}`);
  }
  return found;
}

/**
 * Runs a step's suites in SHARDS jest processes at once, shard k on its own broker, split by
 * tools/scripts/balanced-sequencer.cjs; each process's lines are printed as they come, prefixed
 * with its shard, and kept in .tsuzuku/test-results/<step>-<k>.log.
 */
async function runShards(step) {
  const { brokers, databaseUrl } = await shardInfrastructure();
  const results = await Promise.all(
    brokers.map(async (shardBrokers, index) => {
      const k = index + 1;
      const outputFile = path.join(outDir, `${step.name}-${k}.json`);
      const args = [
        ...step.jest,
        `--shard=${k}/${SHARDS}`,
        `--testSequencer=${path.join(ROOT, 'tools', 'scripts', 'balanced-sequencer.cjs')}`,
        '--json',
        `--outputFile=${outputFile}`,
      ];
      const shardEnv = {
        ...env,
        KAFKA_BROKERS: shardBrokers.join(','),
        TSUZUKU_KAFKA_PORT: new URL(`kafka://${shardBrokers[0]}`).port,
        DATABASE_URL: databaseUrl,
      };
      const logFile = path.join(outDir, `${step.name}-${k}.log`);
      const code = await runPrefixed(bin('jest'), args, shardEnv, `[${k}/${SHARDS}]`, logFile);
      return { code, ...countResults(outputFile) };
    }),
  );
  return {
    ok: results.every((r) => r.code === 0 && r.ok),
    passed: results.reduce((n, r) => n + r.passed, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    failures: results.flatMap((r) => r.failures),
  };
}

const infra = require(path.join(ROOT, 'tools', 'infra', 'local-infra.cjs'));
let shardInfra;
/**
 * The shared Kafka and Postgres, and a broker per further shard (named test-shard-<k>, stopped
 * at the end). Started when the integration step begins, not during lint: under lint's load the
 * one-second probe of Postgres missed its answer and tried to start a private one.
 */
function shardInfrastructure() {
  shardInfra ??= (async () => {
    const { brokers, databaseUrl } = await infra.up();
    const basePort = Number(new URL(`kafka://${brokers[0]}`).port);
    const all = [brokers];
    const extra = [];
    for (let k = 2; k <= SHARDS; k++) {
      const name = `test-shard-${k}`;
      extra.push(name);
      all.push(await infra.ensureKafka({ name, port: basePort + SHARD_PORT_STEP * (k - 1) }));
    }
    return { brokers: all, databaseUrl, extra };
  })();
  return shardInfra;
}

/** Runs a command, printing each line of its output with a prefix and keeping it in a file; resolves to its exit code. */
function runPrefixed(command, args, childEnv, prefix, logFile) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    for (const stream of [child.stdout, child.stderr])
      readline.createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        process.stdout.write(`${prefix} ${line}\n`);
      });
    child.on('close', (code) => {
      log.end();
      resolve(code ?? 1);
    });
  });
}

let passed = 0;
let failed = 0;
const summary = [];
const failures = [];
for (const step of steps) {
  if (only.length > 0 && !only.includes(step.name)) continue;
  console.log(`\n== ${step.name}`);
  const started = Date.now();
  let ok;
  if (step.jest && step.sharded && SHARDS > 1) {
    const shards = await runShards(step).catch((error) => {
      console.error(`the integration step could not start: ${error.message}`);
      return { ok: false, passed: 0, failed: 1, failures: [] };
    });
    ok = shards.ok;
    passed += shards.passed;
    failed += shards.failed;
    failures.push(...shards.failures);
  } else if (step.jest) {
    const outputFile = path.join(outDir, `${step.name}.json`);
    ok = exec([bin('jest'), [...step.jest, '--json', `--outputFile=${outputFile}`]]);
    const counted = countResults(outputFile);
    ok = ok && counted.ok;
    passed += counted.passed;
    failed += counted.failed;
    failures.push(...counted.failures);
  } else {
    ok = exec(step.run()) && (!step.then || exec(step.then()));
    if (!ok) failed += 1;
  }
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) break;
}

if (shardInfra) {
  const started = await shardInfra.catch(() => ({ extra: [] }));
  for (const name of started.extra) await infra.stopKafka({ name });
}

if (failures.length > 0) console.log(`\n== what failed\n${failures.join('\n\n')}`);
console.log(`\n${summary.join('\n')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && summary.every((line) => line.startsWith('ok')) ? 0 : 1);
