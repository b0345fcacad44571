#!/usr/bin/env node
// npm run bench:alerting — how fast alerting evaluates rules, and how long a health change takes
// to become an alert.
//
// 1. Rule evaluations/s: the pure evaluator (apps/alerting/dist/rules/domain) runs the nine
//    default rules against 10,000 synthetic account snapshots for a few seconds; the baseline is a
//    trivial comparison loop over the same snapshots in the same run (one `score < 40` per rule).
// 2. Latency through the real service: alerting starts on a broker of its own and a fresh
//    database; BENCH_ACCOUNTS healthy account.updated snapshots are loaded through Kafka (timed,
//    as a throughput figure); then probes at a steady rate turn one account at a time red
//    (account.health.changed + account.updated, straight to Kafka), each timed from the produce
//    call until alert.raised for that account appears on cs.alerts.v1 (through the outbox relay).
//
// Knobs: BENCH_ACCOUNTS (10000), BENCH_EVAL_S (3), BENCH_PROBE_RATE (50 /s), BENCH_PROBE_S (20),
// BENCH_ECHO=1 shows the service's output, BENCH_NO_BUILD=1 skips the build.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import {
  freePort,
  freshDatabase,
  machine,
  writeFigures,
  startBuiltService,
  stopBuiltService,
  seededRandom,
  sleep,
  percentile,
  ROOT,
  infra,
  Client,
} from './common.mjs';

const require = createRequire(import.meta.url);

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const EVAL_SECONDS = Number(process.env.BENCH_EVAL_S ?? 3);
const PROBE_RATE = Number(process.env.BENCH_PROBE_RATE ?? 50);
const PROBE_SECONDS = Number(process.env.BENCH_PROBE_S ?? 20);
const BENCH_KAFKA = { name: 'bench-alerting', port: 19493 };
const KAFKA_DIR = path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name);
const DATABASE = 'tsuzuku_bench_alerting';
const WORKSPACE = 'bench-ws';
const DAY_MS = 86_400_000;

const log = (message) => console.log(`[bench] ${message}`);
const fmt = (n) =>
  typeof n !== 'number'
    ? n
    : n >= 100 || Number.isInteger(n)
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(1);

/** Loaded after the build. */
let contracts;

// ---------------------------------------------------------------------------------------------
// Snapshots, seeded so that two runs evaluate the same mix.

const random = seededRandom(20261123);
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const bandOf = (score) => (score < 40 ? 'red' : score < 70 ? 'yellow' : 'green');

/** An account.updated payload; `healthy` ones meet no default rule. */
function snapshot(n, { healthy, score }) {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const s = score ?? (healthy ? 80 : between(5, 100));
  return {
    name: `Bench Account ${n}`,
    plan: 'pro',
    mrr: 499,
    seats: 50,
    renewalDate: healthy ? null : iso(now + between(-10, 200) * DAY_MS),
    csmEmail: `csm-${n % 25}@bench.example`,
    segment: ['smb', 'mid-market', 'enterprise'][n % 3],
    industry: null,
    phase: 'adoption',
    touchModel: 'low',
    firstSeenAt: iso(now - 120 * DAY_MS),
    lastSeenAt: iso(now),
    health: { score: s, band: bandOf(s), computedScore: s, coverage: 1, scorecardId: null, override: null },
    signals: {
      asOf: iso(now),
      metrics: { onboarding_completion: healthy ? null : between(0, 4) / 4 },
      lastSignInAt: healthy ? iso(now - DAY_MS) : iso(now - between(0, 60) * DAY_MS),
      activeUsers7d: healthy ? 5 : between(0, 20),
      activeUsersPrev7d: healthy ? 5 : between(0, 20),
      activeUsers30d: healthy ? 6 : between(0, 50),
      events7d: healthy ? 100 : between(0, 500),
      eventsPrev7d: healthy ? 100 : between(0, 500),
      ticketDays: healthy
        ? []
        : Array.from({ length: between(0, 4) }, (_, i) => ({
            day: iso(now - i * 3 * DAY_MS).slice(0, 10),
            opened: between(1, 3),
            p1: between(0, 1),
          })),
      latestNps: healthy ? null : between(0, 10),
      onboardingCompletedAt: null,
    },
  };
}

function envelope(type, accountId, data) {
  const id = randomUUID();
  const now = new Date().toISOString();
  return {
    specVersion: 1,
    id,
    type,
    workspaceId: WORKSPACE,
    accountId,
    occurredAt: now,
    producedAt: now,
    source: 'bench',
    correlationId: id,
    causationId: null,
    data,
  };
}

function toMessage(e) {
  const { Header, messageKey } = contracts;
  const checked = contracts.checkEnvelope(e);
  if (!checked.ok)
    throw new Error(
      `bench envelope breaks its contract: ${contracts.describeViolations(checked.violations)}`,
    );
  return {
    key: messageKey(e.workspaceId, e.accountId),
    value: JSON.stringify(e),
    headers: { [Header.EventType]: e.type, [Header.SpecVersion]: '1', [Header.WorkspaceId]: e.workspaceId },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. The pure evaluator.

function measureEvaluator() {
  const { evaluateRule } = require(path.join(ROOT, 'apps/alerting/dist/rules/domain/rule-evaluator.js'));
  const { defaultRules } = require(path.join(ROOT, 'apps/alerting/dist/rules/domain/default-rules.js'));
  const rules = defaultRules();
  const accounts = Array.from({ length: ACCOUNTS }, (_, n) => snapshot(n, { healthy: false }));
  const history = accounts.map((a) => [
    { at: new Date(Date.now() - 3 * DAY_MS).toISOString(), score: a.health.score + 10 },
  ]);
  const run = (fn) => {
    let evaluations = 0;
    let sink = 0;
    const now = new Date();
    const started = performance.now();
    while (performance.now() - started < EVAL_SECONDS * 1000) {
      for (let i = 0; i < accounts.length; i++)
        for (const rule of rules) {
          sink += fn(rule, accounts[i], history[i], now);
          evaluations++;
        }
    }
    return { perSecond: evaluations / ((performance.now() - started) / 1000), sink };
  };
  const met = { met: 0, not_met: 0, no_data: 0 };
  for (let i = 0; i < accounts.length; i++)
    for (const rule of rules) met[evaluateRule(rule, accounts[i], history[i], new Date()).outcome]++;
  const baseline = run((_rule, account) => (account.health.score < 40 ? 1 : 0));
  const evaluator = run((rule, account, h, now) =>
    evaluateRule(rule, account, h, now).outcome === 'met' ? 1 : 0,
  );
  return { baseline: baseline.perSecond, evaluator: evaluator.perSecond, outcomes: met, rules: rules.length };
}

// ---------------------------------------------------------------------------------------------
// 2. The service.

async function retrying(fn, attempts = 30) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(500);
    }
  }
}

async function createTopics(admin) {
  await admin.createTopics({
    waitForLeaders: true,
    topics: contracts.TOPIC_DECLARATIONS.map((d) => ({
      topic: d.topic,
      numPartitions: d.partitions,
      replicationFactor: 1,
      configEntries: [
        { name: 'cleanup.policy', value: d.cleanupPolicy },
        { name: 'retention.ms', value: String(d.retentionMs) },
      ],
    })),
  });
}

/** Loads the healthy snapshots and times how long the service takes to hold them all. */
async function seed(producer, databaseUrl, service) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    for (let first = 0; first < ACCOUNTS; first += 1000) {
      const messages = [];
      for (let n = first; n < Math.min(first + 1000, ACCOUNTS); n++)
        messages.push(toMessage(envelope('account.updated', `acct-${n}`, snapshot(n, { healthy: true }))));
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: 'cs.accounts.v1', messages }] });
    }
    for (;;) {
      if (service.child.exitCode !== null)
        throw new Error(`alerting exited:\n${service.output.slice(-3000)}`);
      const { rows } = await client
        .query('SELECT count(*)::int AS n FROM alerting.accounts')
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (rows[0].n >= ACCOUNTS) break;
      if (performance.now() - started > 300_000) throw new Error(`only ${rows[0].n} snapshots after 300 s`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query('SELECT count(*)::int AS n FROM alerting.alerts');
    return { seconds, perSecond: ACCOUNTS / seconds, alerts: rows[0].n };
  } finally {
    await client.end();
  }
}

/** Probes at a steady rate: each turns a fresh account red and waits for its alert.raised. */
async function measureLatency(kafka, admin, producer, databaseUrl) {
  const sentAt = new Map();
  const sentWall = new Map();
  const latencies = [];
  const slow = [];
  const consumer = kafka.consumer({ groupId: `bench-alerting.probe.${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['cs.alerts.v1'], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const e = JSON.parse(message.value.toString());
      const sent = e.type === 'alert.raised' ? sentAt.get(e.accountId) : undefined;
      if (sent === undefined) return;
      const ms = performance.now() - sent;
      latencies.push(ms);
      if (ms > 1000) slow.push({ at: ((sent - started) / 1000).toFixed(1), ms: Math.round(ms) });
      sentAt.delete(e.accountId);
    },
  });
  for (const { partition, high } of await retrying(() => admin.fetchTopicOffsets('cs.alerts.v1')))
    consumer.seek({ topic: 'cs.alerts.v1', partition, offset: high });
  await sleep(1000);
  const count = Math.min(ACCOUNTS, Math.round(PROBE_RATE * PROBE_SECONDS));
  let started = performance.now();
  const order = Array.from({ length: ACCOUNTS }, (_, n) => n).sort(() => random() - 0.5);
  const sends = [];
  started = performance.now();
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + (i * 1000) / PROBE_RATE - performance.now()));
    const n = order[i];
    const accountId = `acct-${n}`;
    const red = snapshot(n, { healthy: true, score: 25 });
    const healthy = snapshot(n, { healthy: true }).health;
    const changed = envelope('account.health.changed', accountId, {
      previous: healthy,
      current: red.health,
      reason: 'bench probe',
      movers: [],
    });
    const updated = envelope('account.updated', accountId, red);
    sentAt.set(accountId, performance.now());
    sentWall.set(accountId, Date.now());
    sends.push(
      producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: 'cs.health.v1', messages: [toMessage(changed)] },
          { topic: 'cs.accounts.v1', messages: [toMessage(updated)] },
        ],
      }),
    );
  }
  await Promise.all(sends);
  const deadline = performance.now() + 15_000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(100);
  await consumer.disconnect();
  if (slow.length > 0)
    log(`  probes over 1 s (seconds into the run, ms): ${slow.map((x) => `${x.at}:${x.ms}`).join(' ')}`);
  // Where the time goes: from the produce call to the alert row (consumer and evaluation), the rest is the outbox relay.
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query(
    `SELECT account_id, (extract(epoch FROM opened_at) * 1000)::float8 AS opened FROM alerting.alerts WHERE rule_type = 'score_below'`,
  );
  await client.end();
  const toRow = rows
    .filter((r) => sentWall.has(r.account_id))
    .map((r) => r.opened - sentWall.get(r.account_id))
    .sort((a, b) => a - b);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    rowP50: toRow.length ? percentile(toRow, 0.5) : null,
    rowP99: toRow.length ? percentile(toRow, 0.99) : null,
    sent: count,
    answered: sorted.length,
    p50: sorted.length ? percentile(sorted, 0.5) : null,
    p99: sorted.length ? percentile(sorted, 0.99) : null,
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

// ---------------------------------------------------------------------------------------------
// The report.

function report({ evaluation, seeding, latency }) {
  const lines = [
    '## Alerting benchmark',
    '',
    `${new Date().toISOString()} — ${machine()}; ${fmt(ACCOUNTS)} accounts, the ${evaluation?.rules ?? 9} default rules; Kafka, Postgres, the service and the bench on the same cores.`,
    '',
    '| figure | value | baseline | ratio |',
    '| --- | --- | --- | --- |',
  ];
  if (evaluation)
    lines.push(
      `| rule evaluations/s (pure evaluator, one thread) | ${fmt(evaluation.evaluator)} | ${fmt(evaluation.baseline)} (trivial \`score < 40\` loop) | ${(evaluation.evaluator / evaluation.baseline).toFixed(3)} |`,
    );
  if (seeding)
    lines.push(
      `| account.updated snapshots stored and evaluated: /s | ${fmt(seeding.perSecond)} | | |`,
      `| ${fmt(ACCOUNTS)} snapshots loaded: s | ${fmt(seeding.seconds)} | | |`,
    );
  if (latency)
    lines.push(
      `| health change → alert.raised on cs.alerts.v1, p50 ms | ${fmt(latency.p50)} | | |`,
      `| health change → alert.raised on cs.alerts.v1, p99 ms | ${fmt(latency.p99)} | target ≤ 1,000 | |`,
      `| health change → alert.raised, max ms | ${fmt(latency.max)} | | |`,
      `| health change → alert row committed, p50 / p99 ms | ${fmt(latency.rowP50)} / ${fmt(latency.rowP99)} | | |`,
      `| probes answered (${PROBE_RATE}/s for ${PROBE_SECONDS} s) | ${latency.answered} / ${latency.sent} | | |`,
    );
  if (evaluation)
    lines.push(
      '',
      `outcomes over the synthetic mix: ${Object.entries(evaluation.outcomes)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}`,
    );
  return [...lines, ''].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run.

const results = {};
let service;
const clients = [];
try {
  log('infrastructure and build...');
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(KAFKA_DIR, { recursive: true, force: true });
  const databaseUrl = await infra.ensurePostgres();
  const brokers = await infra.ensureKafka(BENCH_KAFKA);
  if (!process.env.BENCH_NO_BUILD) {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const build = spawnSync(tsc, ['-b', 'apps/alerting/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  contracts = require('@tsuzuku/contracts');

  log(`rule evaluations: ${EVAL_SECONDS} s each for the baseline and the evaluator...`);
  results.evaluation = measureEvaluator();
  log(`  ${fmt(results.evaluation.evaluator)} evaluations/s (baseline ${fmt(results.evaluation.baseline)})`);

  const db = await freshDatabase(databaseUrl, DATABASE);
  const kafka = new Kafka({ clientId: 'bench-alerting', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  clients.push(admin, producer);
  for (const client of clients) await client.connect();
  await createTopics(admin);

  log('starting alerting...');
  const port = await freePort();
  service = startBuiltService('alerting', {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db,
    KAFKA_BROKERS: brokers.join(','),
    LOG_LEVEL: 'warn',
  });
  await retrying(async () => {
    if (service.child.exitCode !== null) throw new Error(`alerting exited:\n${service.output.slice(-3000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok);
    if (!ok) throw new Error('not ready');
  }, 180);

  log(`loading ${fmt(ACCOUNTS)} healthy accounts through cs.accounts.v1...`);
  results.seeding = await seed(producer, db, service);
  if (results.seeding.alerts !== 0) log(`  note: the healthy seed raised ${results.seeding.alerts} alert(s)`);
  log(`  ${fmt(results.seeding.perSecond)} snapshots/s`);

  log(`latency: ${PROBE_RATE} probes/s for ${PROBE_SECONDS} s...`);
  results.latency = await measureLatency(kafka, admin, producer, db);
  if (results.latency.answered === 0)
    throw new Error('no probe was answered by an alert.raised on cs.alerts.v1');

  const text = report(results);
  console.log(`\n${text}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'alerting.md'), text);
  const { evaluation, seeding, latency } = results;
  writeFigures('alerting', 'Alerting', [
    {
      figure: 'rule evaluations/s (pure evaluator, one thread)',
      value: evaluation.evaluator,
      target: null,
      baseline: evaluation.baseline,
      baselineName: 'trivial score < 40 loop',
      ratio: evaluation.evaluator / evaluation.baseline,
    },
    { figure: 'account.updated snapshots stored and evaluated: /s', value: seeding.perSecond, target: null },
    {
      figure: `health change → alert.raised, ${fmt(ACCOUNTS)} accounts: p50 ms`,
      value: latency.p50,
      target: null,
    },
    {
      figure: `health change → alert.raised, ${fmt(ACCOUNTS)} accounts: p99 ms`,
      value: latency.p99,
      target: '<= 1,000',
    },
  ]);
} catch (error) {
  console.error(`\n[bench] FAILED: ${error.message}`);
  console.error(`\nwhat was measured before the failure (not saved):\n\n${report(results)}`);
  process.exitCode = 1;
} finally {
  if (service) await stopBuiltService(service);
  for (const client of clients) await client.disconnect().catch(() => undefined);
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(KAFKA_DIR, { recursive: true, force: true });
}
