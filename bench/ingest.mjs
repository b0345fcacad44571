#!/usr/bin/env node
// npm run bench:ingest — accepted events/s and latency of ingestion, against the bare Fastify +
// kafkajs publisher measured in the same run on the same machine (the ratio is what counts).
// Knobs: BENCH_DURATION_S (10), BENCH_CONNECTIONS (20); BENCH_PROFILE=1 writes a CPU profile of
// ingestion to .tsuzuku/prof; BENCH_ECHO=1 shows its stderr; BENCH_NO_BUILD=1 skips the build;
// BENCH_KAFKA_PORT (19392) is the port of the benchmark's own broker; BENCH_ROUNDS (1) how many
// times the import comparison runs.
// BENCH_BASELINE_DIR=<a built checkout of an earlier commit> also runs that checkout's ingestion in
// the same run (its own database, same broker) and prints /v1/import and /v1/batch against it.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, freshDatabase, machine, stopBuiltService, writeFigures, ROOT, infra } from './common.mjs';

const DURATION = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
/** Rounds of /v1/import (and, with a baseline, /v1/batch) runs: this checkout, baseline, baseline, this checkout. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const ADMIN = 'bench-admin-token-0123456789';

// Starts a node process and resolves once `ready(output)` returns its URL; gives up after 90 s
// with the process's last output, so a broken start never hangs the benchmark.
function startProcess(args, env, ready, cwd = ROOT) {
  const profile =
    process.env.BENCH_PROFILE && args[0].startsWith('apps/')
      ? ['--cpu-prof', '--cpu-prof-dir=.tsuzuku/prof']
      : [];
  const child = spawn(process.execPath, [...profile, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  if (process.env.BENCH_ECHO) child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 90_000;
    const fail = (why) => {
      clearInterval(timer);
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} ${why}:\n${output.slice(-2000)}`));
    };
    child.once('exit', (code) => fail(`exited with ${code}`));
    const timer = setInterval(async () => {
      if (Date.now() > deadline) return fail('was not ready within 90 s');
      const url = await ready(output).catch(() => undefined);
      if (!url) return;
      clearInterval(timer);
      child.removeAllListeners('exit');
      resolve({ url, child });
    }, 250);
  });
}

const printedUrl = async (output) => /listening on (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
const answersReady = (url) => async () => ((await fetch(`${url}/health/ready`)).ok ? url : undefined);

const event = (i) => ({
  type: 'track',
  messageId: randomUUID(),
  userId: `user-${i % 500}`,
  event: i % 3 === 0 ? 'Signed In' : 'Report Exported',
  context: { groupId: `account-${i % 100}`, library: { name: 'bench' } },
  properties: { plan: 'pro', seats: 25, source: 'benchmark', n: i },
  timestamp: new Date().toISOString(),
});

const batchBody = () =>
  JSON.stringify({
    batch: Array.from({ length: 100 }, (_, i) => event(i)),
    sentAt: new Date().toISOString(),
  });
const singleBody = () => JSON.stringify(event(Math.floor(Math.random() * 1e6)));

const DAY_MS = 86_400_000;
/** History as /v1/import takes it: 100 calls spread over the last 180 days, a group call among them. */
const importBody = () => {
  const now = Date.now();
  return JSON.stringify({
    batch: Array.from({ length: 100 }, (_, i) => {
      const at = new Date(now - Math.floor(Math.random() * 180 * DAY_MS)).toISOString();
      if (i % 25 === 0)
        return {
          type: 'group',
          messageId: randomUUID(),
          userId: `user-${i % 500}`,
          groupId: `account-${i % 100}`,
          traits: { name: `Account ${i % 100}`, plan: 'pro', segment: 'smb', mrr: 500 },
          timestamp: at,
        };
      return { ...event(i), timestamp: at };
    }),
    sentAt: new Date().toISOString(),
  });
};

function run(url, pathName, body, headers, extra = {}) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${pathName}`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: DURATION,
        headers: { 'content-type': 'application/json', ...headers },
        requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
        ...extra,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function summarise(result, eventsPerRequest) {
  const ok = result['2xx'];
  return {
    requestsPerSecond: ok / result.duration,
    eventsPerSecond: (ok * eventsPerRequest) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

console.log('[bench] infrastructure and build...');
// A broker of its own: a million benchmark events on the development broker would hold up
// every consumer group that reads cs.events.v1 there. Removed at the end.
const BENCH_KAFKA = { name: 'bench', port: Number(process.env.BENCH_KAFKA_PORT ?? 19392) };
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR
  ? path.resolve(process.env.BENCH_BASELINE_DIR)
  : undefined;
const databaseUrl = await infra.ensurePostgres();
const brokers = await infra.ensureKafka(BENCH_KAFKA);
const build = process.env.BENCH_NO_BUILD
  ? { status: 0 }
  : spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
if (build.status !== 0) process.exit(1);

const INGESTION_ENV = {
  HOST: '127.0.0.1',
  KAFKA_BROKERS: brokers.join(','),
  LOG_LEVEL: 'warn',
  TSUZUKU_ADMIN_TOKEN: ADMIN,
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  RATE_LIMIT_EVENTS_PER_SECOND: '1000000000',
  RATE_LIMIT_EVENTS_BURST: '1000000000',
  RATE_LIMIT_BYTES_PER_SECOND: '1000000000000',
  RATE_LIMIT_BYTES_BURST: '1000000000000',
  MAX_INFLIGHT_REQUESTS: '10000',
};
/** Starts the ingestion built in `cwd` on a database of its own, with a workspace; its URL and auth header. */
async function startIngestion(cwd, database) {
  const db = await freshDatabase(databaseUrl, database);
  const port = await freePort();
  const service = await startProcess(
    ['apps/ingestion/dist/main.js'],
    { ...INGESTION_ENV, PORT: String(port), DATABASE_URL: db },
    answersReady(`http://127.0.0.1:${port}`),
    cwd,
  );
  const created = await fetch(`${service.url}/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', fallbackOwner: null }),
  }).then((r) => r.json());
  const auth = { authorization: `Basic ${Buffer.from(`${created.writeKey.secret}:`).toString('base64')}` };
  return { ...service, auth };
}

console.log('[bench] starting ingestion and the bare publisher...');
const ingestion = await startIngestion(ROOT, 'tsuzuku_bench_ingest');
const auth = ingestion.auth;
const baseline = BASELINE_DIR
  ? await startIngestion(BASELINE_DIR, 'tsuzuku_bench_ingest_baseline')
  : undefined;
const bare = await startProcess(
  ['bench/bare-publisher.mjs', brokers.join(','), 'bench.bare.v1'],
  {},
  printedUrl,
);
// The bare handler again, publishing ingestion's envelope instead of the call as it came.
const bareEnvelope = await startProcess(
  ['bench/bare-publisher.mjs', brokers.join(','), 'bench.bare-envelope.v1', 'envelope'],
  {},
  printedUrl,
);

const rows = [];
try {
  console.log(`[bench] warm-up, then ${DURATION} s per run, ${CONNECTIONS} connections`);
  await run(bare.url, '/v1/batch', batchBody, {}, { duration: 3 });
  await run(bareEnvelope.url, '/v1/batch', batchBody, {}, { duration: 3 });
  await run(ingestion.url, '/v1/batch', batchBody, auth, { duration: 3 });
  await run(ingestion.url, '/v1/import', importBody, auth, { duration: 3 });
  if (baseline) await run(baseline.url, '/v1/import', importBody, baseline.auth, { duration: 3 });

  const bareBatch = summarise(await run(bare.url, '/v1/batch', batchBody, {}), 100);
  const oursBatch = summarise(await run(ingestion.url, '/v1/batch', batchBody, auth), 100);
  const envelopeBatch = summarise(await run(bareEnvelope.url, '/v1/batch', batchBody, {}), 100);
  // Ours, the baseline twice, ours again (ABBA): a machine that slows down or speeds up during
  // the run weighs the same on both means.
  const interleaved = async (pathName, body) => {
    const ours = [];
    const base = [];
    const once = async (target, into) =>
      into.push(summarise(await run(target.url, pathName, body, target.auth), 100));
    for (let round = 0; round < ROUNDS; round++) {
      await once(ingestion, ours);
      if (baseline) {
        await once(baseline, base);
        await once(baseline, base);
      }
      await once(ingestion, ours);
    }
    const mean = (runs) => runs.reduce((sum, r) => sum + r.eventsPerSecond, 0) / runs.length;
    return {
      runs: ours,
      ours: mean(ours),
      base: base.length > 0 ? mean(base) : undefined,
      errors: ours.reduce((sum, r) => sum + r.errors, 0),
      baseErrors: base.reduce((sum, r) => sum + r.errors, 0),
    };
  };
  const imports = await interleaved('/v1/import', importBody);
  const batches = baseline ? await interleaved('/v1/batch', batchBody) : undefined;
  const bareSingle = summarise(await run(bare.url, '/v1/track', singleBody, {}, { overallRate: 1000 }), 1);
  const oursSingle = summarise(
    await run(ingestion.url, '/v1/track', singleBody, auth, { overallRate: 1000 }),
    1,
  );

  rows.push(
    ['/v1/batch, 100 events: events/s', oursBatch.eventsPerSecond, '>= 20,000', bareBatch.eventsPerSecond],
    ['/v1/batch, 100 events: p50 ms', oursBatch.p50, '', bareBatch.p50],
    ['/v1/batch, 100 events: p99 ms', oursBatch.p99, '', bareBatch.p99],
    ['/v1/import, 100 events: events/s', imports.ours, '', bareBatch.eventsPerSecond],
    ['/v1/track at 1,000 req/s: p50 ms', oursSingle.p50, '', bareSingle.p50],
    ['/v1/track at 1,000 req/s: p99 ms', oursSingle.p99, '< 50', bareSingle.p99],
    [
      '/v1/track at 1,000 req/s: accepted/s',
      oursSingle.requestsPerSecond,
      '1,000',
      bareSingle.requestsPerSecond,
    ],
  );
  const errors = oursBatch.errors + oursSingle.errors + imports.errors + (batches?.errors ?? 0);
  const importMean = imports.ours;
  const baselineRow = (name, r) =>
    `| ${name} | ${Math.round(r.ours).toLocaleString('en-US')} | ${Math.round(r.base).toLocaleString('en-US')} | ${(r.ours / r.base).toFixed(2)} |`;
  const baselineReport = baseline
    ? [
        '',
        `Against the baseline checkout ${BASELINE_DIR} (its ingestion on its own database, same broker, same run; each figure the mean of ${2 * ROUNDS} runs, in rounds of this checkout, baseline, baseline, this checkout):`,
        '',
        '| figure | this checkout | baseline | ratio |',
        '| --- | --- | --- | --- |',
        baselineRow('/v1/import, 100 events: events/s', imports),
        baselineRow('/v1/batch, 100 events: events/s', batches),
        '',
        `non-2xx answers of the baseline: ${imports.baseErrors + batches.baseErrors}`,
        '',
      ].join('\n')
    : '';
  const fmt = (n) =>
    typeof n === 'number' ? (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)) : n;
  const ratio = oursBatch.eventsPerSecond / bareBatch.eventsPerSecond;
  const table = [
    '| figure | ingestion | target | bare Fastify + kafkajs | ratio |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(([name, ours, target, base]) => {
      const r = name.includes('ms') ? base / ours : ours / base;
      return `| ${name} | ${fmt(ours)} | ${target} | ${fmt(base)} | ${r.toFixed(2)} |`;
    }),
  ].join('\n');
  const report = `## Ingestion benchmark\n\n${new Date().toISOString()} — ${machine()}; autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, load generator on the same cores.\n\n${table}\n\nbatch throughput ratio to the bare handler: ${ratio.toFixed(2)} (target >= 0.6); non-2xx answers during the runs: ${errors}\n\nThe bare handler publishing ingestion's envelope (keyed by account, with a traceparent header) instead of the call, and doing nothing else: ${fmt(envelopeBatch.eventsPerSecond)} events/s through /v1/batch, ${(envelopeBatch.eventsPerSecond / bareBatch.eventsPerSecond).toFixed(2)} of the bare handler: what publishing the envelope with kafkajs costs before any validation, deduplication or auth.\n\n/v1/import (100 calls of history over the last 180 days): ${fmt(importMean)} events/s (mean of ${imports.runs.length} runs), ${(importMean / bareBatch.eventsPerSecond).toFixed(2)} of the bare handler.\n${baselineReport}`;
  console.log(`\n${report}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'ingest.md'), report);
  writeFigures(
    'ingest',
    'Ingestion',
    rows
      .map(([figure, value, target, baseline]) => ({
        figure,
        value,
        target: target || null,
        baseline,
        ratio: figure.includes('ms') ? baseline / value : value / baseline,
        baselineName: 'bare Fastify + kafkajs',
      }))
      .concat({
        figure: '/v1/batch, 100 events: events/s of the bare handler publishing the envelope',
        value: envelopeBatch.eventsPerSecond,
        target: null,
        baseline: bareBatch.eventsPerSecond,
        ratio: envelopeBatch.eventsPerSecond / bareBatch.eventsPerSecond,
        baselineName: 'bare Fastify + kafkajs',
      }),
  );
} finally {
  await Promise.all([ingestion, baseline, bare, bareEnvelope].filter(Boolean).map(stopBuiltService));
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name), {
    recursive: true,
    force: true,
  });
}
