#!/usr/bin/env node
// npm run bench (its end-to-end part; alone: node bench/e2e.mjs) — how long a customer event
// takes to become each thing Tsuzuku does with it, through all five services, while ingestion
// takes a steady background load.
//
// 1. Its own Kafka and a fresh database; the five built services; a workspace from the CLI; a
//    base of healthy accounts sent through /v1/import; a playbook that gives every NPS detractor
//    alert a CSM task.
// 2. A steady BENCH_RATE events/s (default 2,000) of sign-ins on /v1/batch for BENCH_DURATION_S.
// 3. Meanwhile, probes: a detractor answer (NPS 2) for a healthy account, timed from the moment
//    it is sent to: ingestion's 200 (accepted), the account.health.changed on cs.health.v1 (score
//    updated), the alert.raised nps_detractor on cs.alerts.v1 (alert raised) and the task.created
//    on cs.playbooks.v1 (task created).
//
// Knobs: BENCH_RATE (2000), BENCH_DURATION_S (30), BENCH_PROBES_PER_S (2), BENCH_ACCOUNTS (1000),
// BENCH_ECHO=1 shows the services' output, BENCH_NO_BUILD=1 skips the build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import {
  freePort,
  freshDatabase,
  machine,
  writeFigures,
  startBuiltService,
  stopBuiltService,
  sleep,
  ROOT,
  infra,
} from './common.mjs';

const require = createRequire(import.meta.url);

const RATE = Number(process.env.BENCH_RATE ?? 2000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const PROBES_PER_S = Number(process.env.BENCH_PROBES_PER_S ?? 2);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const BENCH_KAFKA = { name: 'bench-e2e', port: 19592 };
const DATABASE = 'tsuzuku_bench_e2e';
const ADMIN_TOKEN = 'bench-e2e-admin-token-0123456789';
// The load signs in on the first accounts; the probes use the others, one each, so the first
// health change of a probe account after the start is the probe's.
const LOAD_ACCOUNTS = Math.floor(ACCOUNTS * 0.8);
const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'];

const log = (message) => console.log(`[bench:e2e] ${message}`);
const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function waitReady(service) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`${service.app} exited:\n${service.output}`);
    const ok = await fetch(`${service.url}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${service.app} not ready after 120 s:\n${service.output}`);
    await sleep(300);
  }
}

async function post(url, path_, body, headers) {
  const response = await fetch(`${url}${path_}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path_} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const services = [];
let reader;
try {
  log('infrastructure and build...');
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name), {
    recursive: true,
    force: true,
  });
  const databaseUrl = await infra.ensurePostgres();
  const brokers = await infra.ensureKafka(BENCH_KAFKA);
  if (!process.env.BENCH_NO_BUILD) {
    const build = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('the build failed');
  }
  const db = await freshDatabase(databaseUrl, DATABASE);
  const env = {
    DATABASE_URL: db,
    KAFKA_BROKERS: brokers.join(','),
    LOG_LEVEL: 'warn',
    TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN,
  };
  for (const app of SERVICES) {
    const port = await freePort();
    services.push({
      ...startBuiltService(app, { ...env, PORT: String(port), HOST: '127.0.0.1' }),
      url: `http://127.0.0.1:${port}`,
    });
  }
  await Promise.all(services.map(waitReady));
  const url = Object.fromEntries(services.map((s) => [s.app, s.url]));
  const cli = spawnSync(
    process.execPath,
    ['apps/ingestion/dist/cli.js', 'workspace', 'create', 'bench-e2e', '--no-fallback-owner'],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  if (cli.status !== 0) throw new Error(`workspace create failed: ${cli.stderr}`);
  const workspace = JSON.parse(cli.stdout);
  const basic = { authorization: `Basic ${Buffer.from(`${workspace.writeKey.secret}:`).toString('base64')}` };
  const bearer = { authorization: `Bearer ${workspace.apiToken.secret}` };
  for (const name of SERVICES.slice(1))
    for (let ok = false; !ok; await sleep(ok ? 0 : 250))
      ok = await fetch(`${url[name]}/v1/auth/whoami`, { headers: bearer }).then((r) => r.ok);

  log(`a base of ${ACCOUNTS} healthy accounts through /v1/import...`);
  const DAY_MS = 86_400_000;
  const now = Date.now();
  const base = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const accountId = `acct-${i}`;
    const users = [0, 1, 2].map((u) => `${accountId}-u${u}`);
    base.push({
      type: 'group',
      userId: users[0],
      groupId: accountId,
      timestamp: new Date(now - 60 * DAY_MS).toISOString(),
      traits: { name: `Account ${i}`, seats: 3, mrr: 800, csm_email: 'csm@bench.example' },
    });
    for (let d = 1; d <= 20; d += 3)
      for (const u of users)
        base.push({
          type: 'track',
          userId: u,
          event: 'Signed In',
          timestamp: new Date(now - d * DAY_MS).toISOString(),
          context: { groupId: accountId },
        });
    base.push({
      type: 'track',
      userId: users[0],
      event: 'Survey Responded',
      properties: { survey: 'nps', score: 9 },
      timestamp: new Date(now - 5 * DAY_MS).toISOString(),
      context: { groupId: accountId },
    });
  }
  for (let i = 0; i < base.length; i += 400)
    await post(url.ingestion, '/v1/import', { batch: base.slice(i, i + 400) }, basic);
  await post(
    url.playbooks,
    '/v1/playbooks',
    {
      name: 'Bench: call every detractor',
      description: null,
      enabled: true,
      trigger: { type: 'alert_raised', ruleType: 'nps_detractor' },
      audience: {},
      steps: [{ id: 'call', type: 'task', title: 'Call the detractor', dueInDays: 1, priority: 'high' }],
      exit: [],
      holdoutPercent: 0,
    },
    bearer,
  );
  // Let the base settle: every account scored and evaluated before the timed part.
  const { waitForCatchUp } = require(path.join(ROOT, 'libs/demo/dist/demo-flow.js'));
  const { PIPELINE_CONSUMER_GROUPS } = require(path.join(ROOT, 'libs/demo/dist/pipeline.js'));
  await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS);
  const kafka = new Kafka({ clientId: 'bench-e2e', brokers, logLevel: logLevel.NOTHING });

  // What each probe becomes, by account, as it arrives.
  const seen = { health: new Map(), alert: new Map(), task: new Map() };
  reader = kafka.consumer({ groupId: `bench-e2e-reader-${Date.now()}` });
  await reader.connect();
  await reader.subscribe({
    topics: ['cs.health.v1', 'cs.alerts.v1', 'cs.playbooks.v1'],
    fromBeginning: false,
  });
  let assigned = false;
  reader.on(reader.events.GROUP_JOIN, () => (assigned = true));
  await reader.run({
    eachMessage: async ({ topic, message }) => {
      const at = performance.now();
      const envelope = JSON.parse(message.value.toString());
      const account = envelope.accountId;
      if (topic === 'cs.health.v1' && !seen.health.has(account)) seen.health.set(account, at);
      if (
        topic === 'cs.alerts.v1' &&
        envelope.type === 'alert.raised' &&
        envelope.data.ruleType === 'nps_detractor' &&
        !seen.alert.has(account)
      )
        seen.alert.set(account, at);
      if (topic === 'cs.playbooks.v1' && envelope.type === 'task.created' && !seen.task.has(account))
        seen.task.set(account, at);
    },
  });
  while (!assigned) await sleep(100);
  await sleep(2000);

  log(`steady load: ${RATE} events/s for ${DURATION_S} s on /v1/batch, ${PROBES_PER_S} probes/s...`);
  const probes = [];
  let loadSent = 0;
  let loadFailed = 0;
  const started = performance.now();
  const batchSize = 100;
  const interval = (1000 * batchSize) / RATE;
  const inflight = new Set();
  let next = started;
  let probeNext = started + 1000;
  let probeIndex = 0;
  while (performance.now() - started < DURATION_S * 1000) {
    const t = performance.now();
    if (t >= next) {
      next += interval;
      const batch = Array.from({ length: batchSize }, (_, k) => {
        const accountId = `acct-${(loadSent + k) % LOAD_ACCOUNTS}`;
        return {
          type: 'track',
          userId: `${accountId}-u1`,
          event: 'Signed In',
          context: { groupId: accountId },
        };
      });
      loadSent += batchSize;
      const p = post(url.ingestion, '/v1/batch', { batch }, basic)
        .catch(() => (loadFailed += batchSize))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    if (t >= probeNext && probeIndex < ACCOUNTS - LOAD_ACCOUNTS) {
      probeNext += 1000 / PROBES_PER_S;
      const accountId = `acct-${ACCOUNTS - 1 - probeIndex++}`;
      const probe = { accountId, sentAt: performance.now(), acceptedAt: null };
      probes.push(probe);
      const p = post(
        url.ingestion,
        '/v1/track',
        {
          userId: `${accountId}-u0`,
          event: 'Survey Responded',
          properties: { survey: 'nps', score: 2 },
          context: { groupId: accountId },
        },
        basic,
      )
        .then(() => (probe.acceptedAt = performance.now()))
        .catch(() => undefined)
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await sleep(Math.max(0, Math.min(next, probeNext) - performance.now()));
  }
  await Promise.all(inflight);
  const loadSeconds = (performance.now() - started) / 1000;
  log('waiting up to 30 s for the last probes...');
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline && probes.some((p) => !seen.task.has(p.accountId))) await sleep(250);

  const stage = (map) =>
    probes.filter((p) => map.has(p.accountId)).map((p) => map.get(p.accountId) - p.sentAt);
  const accepted = probes.filter((p) => p.acceptedAt !== null).map((p) => p.acceptedAt - p.sentAt);
  const stages = [
    ['event accepted (ingestion 200)', accepted],
    ['score updated (account.health.changed)', stage(seen.health)],
    ['alert raised (alert.raised nps_detractor)', stage(seen.alert)],
    ['task created (task.created)', stage(seen.task)],
  ];
  const figures = [];
  for (const [name, values] of stages) {
    figures.push({ figure: `${name}: p50 ms`, value: percentile(values, 50), target: null });
    figures.push({
      figure: `${name}: p99 ms`,
      value: percentile(values, 99),
      target: null,
      answered: `${values.length}/${probes.length}`,
    });
  }
  figures.push({
    figure: 'background load achieved: events/s',
    value: (loadSent - loadFailed) / loadSeconds,
    target: `${RATE}`,
  });
  const lines = [
    '## End-to-end latency',
    '',
    `${new Date().toISOString()} — ${machine()}; five services, Kafka and Postgres on the same cores; ${RATE} events/s of background sign-ins on /v1/batch for ${DURATION_S} s, ${probes.length} detractor probes.`,
    '',
    '| stage (from the probe being sent) | p50 ms | p99 ms | probes that got there |',
    '| --- | --- | --- | --- |',
    ...stages.map(
      ([name, values]) =>
        `| ${name} | ${percentile(values, 50)?.toFixed(0) ?? '—'} | ${percentile(values, 99)?.toFixed(0) ?? '—'} | ${values.length} / ${probes.length} |`,
    ),
    '',
    `background load: ${Math.round((loadSent - loadFailed) / loadSeconds)} events/s accepted (${loadFailed} failed)`,
    '',
  ].join('\n');
  console.log(`\n${lines}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'e2e.md'), lines);
  writeFigures('e2e', 'End to end', figures);
  if (stage(seen.task).length === 0) throw new Error('no probe reached a task');
} catch (error) {
  console.error(`\n[bench:e2e] FAILED: ${error.stack ?? error.message}`);
  for (const s of services) if (s.child.exitCode !== null) console.error(`${s.app} output:\n${s.output}`);
  process.exitCode = 1;
} finally {
  await reader?.disconnect().catch(() => undefined);
  await Promise.all(services.map(stopBuiltService));
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name), {
    recursive: true,
    force: true,
  });
}
