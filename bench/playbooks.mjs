#!/usr/bin/env node
// npm run bench:playbooks — how fast the playbooks engine starts runs and moves them through
// their steps on Postgres, against bare SQL doing the same row work in the same run on the same
// machine (the ratio is what counts).
//
// 1. The built service runs on a broker of its own and a fresh database; a playbook of five quick
//    steps (task, branch, wait 0 s, task, branch) and BENCH_RUNS accounts are seeded.
// 2. Run starts: BENCH_RUNS alert.raised envelopes go onto cs.alerts.v1; run starts/s = runs / time
//    from the first send until every run row exists (consumer, inbox, audience, holdout, outbox).
//    The engine works the runs meanwhile; the bench waits until they are all completed.
// 3. Step transitions: BENCH_RUNS more runs are inserted as due (as the renewal sweep starts them);
//    step transitions/s = step executions / time until every run is completed (claim with SKIP
//    LOCKED, decide, create tasks, record executions, advance, outbox — one transaction per tick).
// 4. Baseline: a bare kafkajs consumer reads the same alerts and INSERTs one run row each; then
//    bare SQL in batches of the engine's size claims them (FOR UPDATE SKIP LOCKED), INSERTs the
//    executions and UPDATEs the runs.
//
// Knobs: BENCH_RUNS (5000), BENCH_BATCH (500, the engine's PLAYBOOK_BATCH_SIZE), BENCH_ECHO=1 shows
// the service's output, BENCH_NO_BUILD=1 skips the build.
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
  sleep,
  ROOT,
  infra,
  Client,
} from './common.mjs';

const require = createRequire(import.meta.url);

const RUNS = Number(process.env.BENCH_RUNS ?? 5000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const BENCH_KAFKA = { name: 'bench-playbooks', port: 19494 };
const KAFKA_DIR = path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name);
const DATABASE = 'tsuzuku_bench_playbooks';
const WORKSPACE = 'bench-ws';
const PLAYBOOK_ID = randomUUID();
const STEPS = [
  { id: 't1', type: 'task', title: 'Call {{account.name}}', dueInDays: 1, priority: 'high' },
  { id: 'b1', type: 'branch', if: { bandIn: ['green'] }, then: 'end' },
  { id: 'w1', type: 'wait', duration: 'PT0S' },
  { id: 't2', type: 'task', title: 'Follow up with {{account.name}}', dueInDays: 7 },
  { id: 'b2', type: 'branch', if: { scoreAtLeast: 90 }, then: 'end' },
];
const POLL_MS = 100;

const log = (message) => console.log(`[bench] ${message}`);
const fmt = (n) =>
  typeof n !== 'number'
    ? n
    : n >= 100 || Number.isInteger(n)
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(2);
const accountId = (i) => `acct-${i}`;

let contracts;

/** An alert.raised envelope as alerting publishes it. */
function alertRaised(i) {
  const id = randomUUID();
  const now = new Date().toISOString();
  return {
    specVersion: 1,
    id,
    type: 'alert.raised',
    workspaceId: WORKSPACE,
    accountId: accountId(i),
    occurredAt: now,
    producedAt: now,
    source: 'bench',
    correlationId: id,
    causationId: null,
    data: {
      alertId: randomUUID(),
      ruleId: 'rule-usage-drop',
      ruleType: 'usage_drop',
      ruleName: 'Usage drop',
      severity: 'high',
      status: 'open',
      positive: false,
      owner: null,
      title: 'Usage dropped',
      evidence: {},
      occurrences: 1,
      openedAt: now,
      lastSeenAt: now,
      resolvedAt: null,
      resolution: null,
      change: 'raised',
    },
  };
}

/** The playbook (as its API would store it, checked by the service's own validator) and the accounts. */
async function seed(client) {
  const definition = {
    name: 'Bench: usage drop',
    description: null,
    enabled: true,
    trigger: { type: 'alert_raised', ruleType: 'usage_drop' },
    audience: {},
    steps: STEPS,
    exit: [],
    holdoutPercent: 0,
  };
  const { validateDefinition } = require(
    path.join(ROOT, 'apps/playbooks/dist/playbooks/domain/definition-validation.js'),
  );
  const checked = validateDefinition(definition);
  if (!checked.ok) throw new Error(`the bench playbook is invalid: ${JSON.stringify(checked.problems)}`);
  // A workspace row first: the built-in templates are not created, so only the bench playbook runs.
  await client.query('INSERT INTO playbooks.workspaces (workspace_id) VALUES ($1)', [WORKSPACE]);
  await client.query(
    `INSERT INTO playbooks.playbooks (id, workspace_id, version, name, enabled, trigger_type, definition, created_at, updated_at)
     VALUES ($1, $2, 1, $3, true, 'alert_raised', $4, now(), now())`,
    [PLAYBOOK_ID, WORKSPACE, definition.name, JSON.stringify(checked.definition)],
  );
  await client.query(
    `INSERT INTO playbooks.playbook_versions (playbook_id, version, definition, created_at) VALUES ($1, 1, $2, now())`,
    [PLAYBOOK_ID, JSON.stringify(checked.definition)],
  );
  await client.query(
    `INSERT INTO playbooks.accounts (workspace_id, account_id, name, csm_email, segment, touch_model, phase, band, score, profile_at)
     SELECT $1, 'acct-' || i, 'Account ' || i, 'csm-' || (i % 25) || '@bench.example', 'smb', 'high', 'adoption', 'red', 30, now()
     FROM generate_series(0, $2 - 1) AS i`,
    [WORKSPACE, RUNS],
  );
}

const count = async (client, sql, params = []) => (await client.query(sql, params)).rows[0].n;

async function waitUntil(what, probe, timeoutMs, service) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`playbooks exited:\n${service.output.slice(-3000)}`);
    if (await probe()) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/**
 * The floor, with no decisions, templates, tasks or outbox: for run starts, a bare kafkajs
 * consumer reading the same alerts and inserting one row each; for step transitions, bare SQL
 * claiming the same number of runs in batches of the engine's size, inserting their executions
 * and updating them.
 */
async function baseline(client, kafka) {
  await client.query(`CREATE TABLE bench_runs (id uuid PRIMARY KEY, account_id text NOT NULL, step int NOT NULL DEFAULT 0,
    status text NOT NULL, next_at timestamptz)`);
  await client.query(`CREATE TABLE bench_steps (run_id uuid NOT NULL, step_id text NOT NULL, outcome text NOT NULL,
    executed_at timestamptz NOT NULL, PRIMARY KEY (run_id, step_id))`);
  const consumer = kafka.consumer({
    groupId: `bench-playbooks.bare.${randomUUID()}`,
    maxWaitTimeInMs: 1_000,
  });
  let started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topics: ['cs.alerts.v1'], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const envelopes = batch.messages.map((m) => JSON.parse(m.value.toString()));
      await client.query(
        `INSERT INTO bench_runs (id, account_id, status, next_at) SELECT unnest($1::uuid[]), unnest($2::text[]), 'running', now()`,
        [envelopes.map(() => randomUUID()), envelopes.map((e) => e.accountId)],
      );
    },
  });
  for (;;) {
    if ((await count(client, 'SELECT count(*)::int AS n FROM bench_runs')) >= RUNS) break;
    await sleep(POLL_MS);
  }
  const insertSeconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  started = performance.now();
  const stepIds = STEPS.map((s) => s.id);
  for (;;) {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `SELECT id FROM bench_runs WHERE status = 'running' AND next_at <= now() ORDER BY next_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [BATCH],
    );
    if (rows.length === 0) {
      await client.query('COMMIT');
      break;
    }
    await client.query(
      `INSERT INTO bench_steps (run_id, step_id, outcome, executed_at) SELECT unnest($1::uuid[]), unnest($2::text[]), 'succeeded', now()`,
      [rows.flatMap((r) => stepIds.map(() => r.id)), rows.flatMap(() => stepIds)],
    );
    await client.query(
      `UPDATE bench_runs SET status = 'completed', step = $2, next_at = NULL WHERE id = ANY($1::uuid[])`,
      [rows.map((r) => r.id), stepIds.length],
    );
    await client.query('COMMIT');
  }
  const stepSeconds = (performance.now() - started) / 1000;
  return {
    startsPerSecond: RUNS / insertSeconds,
    transitionsPerSecond: (RUNS * stepIds.length) / stepSeconds,
    insertSeconds,
    stepSeconds,
  };
}

function report(r) {
  // The ratio is of throughputs (playbooks / baseline); durations get none.
  const row = (name, engine, bare, ratio = false) =>
    `| ${name} | ${fmt(engine)} | ${bare === undefined ? '' : fmt(bare)} | ${ratio ? (engine / bare).toFixed(2) : ''} |`;
  return [
    '## Playbooks benchmark',
    '',
    `${new Date().toISOString()} — ${machine()}; ${fmt(RUNS)} runs of a ${STEPS.length}-step playbook (task, branch, wait 0 s, task, branch) per phase, engine batch ${BATCH}; Kafka, Postgres and the bench on the same cores.`,
    '',
    '| figure | playbooks | baseline (bare consumer / bare SQL), same rows | ratio |',
    '| --- | --- | --- | --- |',
    row('run starts/s (alert.raised on Kafka → run row)', r.starts.perSecond, r.bare.startsPerSecond, true),
    row(
      'step transitions/s (due runs → completed)',
      r.steps.transitionsPerSecond,
      r.bare.transitionsPerSecond,
      true,
    ),
    row('runs completed/s', r.steps.runsPerSecond),
    row('run starts: s', r.starts.seconds, r.bare.insertSeconds),
    row('step transitions: s', r.steps.seconds, r.bare.stepSeconds),
    row('tasks created', r.steps.tasks),
    '',
    `step transitions/s target: ≥ 500 — ${r.steps.transitionsPerSecond >= 500 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n');
}

const results = {};
let service;
const clients = [];
let pg;
try {
  log('infrastructure and build...');
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(KAFKA_DIR, { recursive: true, force: true });
  const databaseUrl = await infra.ensurePostgres();
  const brokers = await infra.ensureKafka(BENCH_KAFKA);
  if (!process.env.BENCH_NO_BUILD) {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const build = spawnSync(tsc, ['-b', 'apps/playbooks/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  contracts = require('@tsuzuku/contracts');
  const db = await freshDatabase(databaseUrl, DATABASE);
  pg = new Client({ connectionString: db });
  await pg.connect();

  const kafka = new Kafka({ clientId: 'bench-playbooks', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const admin = kafka.admin();
  clients.push(producer, admin);
  await producer.connect();
  await admin.connect();

  log('starting playbooks...');
  const port = await freePort();
  service = startBuiltService('playbooks', {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db,
    KAFKA_BROKERS: brokers.join(','),
    LOG_LEVEL: 'warn',
    PLAYBOOK_TICK_MS: '50',
    PLAYBOOK_BATCH_SIZE: String(BATCH),
  });
  await waitUntil(
    'the service to be ready',
    () =>
      fetch(`http://127.0.0.1:${port}/health/ready`)
        .then((r) => r.ok)
        .catch(() => false),
    90_000,
    service,
  );
  // Timed from a settled consumer group: joining is start-up, not run starts.
  await waitUntil(
    'the consumer group playbooks.signals to be stable',
    async () => {
      const { groups } = await admin.describeGroups(['playbooks.signals']).catch(() => ({ groups: [] }));
      return groups[0]?.state === 'Stable';
    },
    90_000,
    service,
  );
  await seed(pg);
  const envelopes = Array.from({ length: RUNS }, (_, i) => alertRaised(i));
  for (const e of envelopes.slice(0, 3)) {
    const checked = contracts.checkEnvelope(e);
    if (!checked.ok)
      throw new Error(`bench alert breaks its contract: ${contracts.describeViolations(checked.violations)}`);
  }

  log(`run starts: ${fmt(RUNS)} alert.raised on cs.alerts.v1...`);
  let started = performance.now();
  for (let first = 0; first < RUNS; first += 1000)
    await producer.send({
      topic: 'cs.alerts.v1',
      acks: -1,
      messages: envelopes.slice(first, first + 1000).map((e) => ({
        key: contracts.messageKey(e.workspaceId, e.accountId),
        value: JSON.stringify(e),
        headers: {
          [contracts.Header.EventType]: e.type,
          [contracts.Header.SpecVersion]: '1',
          [contracts.Header.WorkspaceId]: e.workspaceId,
        },
      })),
    });
  await waitUntil(
    'every run to start',
    async () => (await count(pg, 'SELECT count(*)::int AS n FROM playbooks.runs')) >= RUNS,
    300_000,
    service,
  );
  const startSeconds = (performance.now() - started) / 1000;
  results.starts = { seconds: startSeconds, perSecond: RUNS / startSeconds };
  log(`  ${fmt(results.starts.perSecond)} run starts/s`);
  await waitUntil(
    'the first runs to complete',
    async () =>
      (await count(pg, `SELECT count(*)::int AS n FROM playbooks.runs WHERE status = 'running'`)) === 0,
    300_000,
    service,
  );

  log(`step transitions: ${fmt(RUNS)} due runs...`);
  const executionsBefore = await count(pg, 'SELECT count(*)::int AS n FROM playbooks.step_executions');
  const tasksBefore = await count(pg, 'SELECT count(*)::int AS n FROM playbooks.tasks');
  started = performance.now();
  await pg.query(
    `INSERT INTO playbooks.runs (id, workspace_id, account_id, playbook_id, version, playbook_name, status, trigger_type,
       trigger_key, current_step, next_at, correlation_id, started_at, updated_at)
     SELECT gen_random_uuid(), $1, 'acct-' || i, $2, 1, 'Bench: usage drop', 'running', 'alert_raised',
       'bench:' || i, 't1', now(), gen_random_uuid()::text, now(), now()
     FROM generate_series(0, $3 - 1) AS i`,
    [WORKSPACE, PLAYBOOK_ID, RUNS],
  );
  await waitUntil(
    'every run to complete',
    async () =>
      (await count(pg, `SELECT count(*)::int AS n FROM playbooks.runs WHERE status = 'running'`)) === 0,
    600_000,
    service,
  );
  const stepSeconds = (performance.now() - started) / 1000;
  const executions =
    (await count(pg, 'SELECT count(*)::int AS n FROM playbooks.step_executions')) - executionsBefore;
  const tasks = (await count(pg, 'SELECT count(*)::int AS n FROM playbooks.tasks')) - tasksBefore;
  if (executions !== RUNS * STEPS.length)
    throw new Error(`expected ${RUNS * STEPS.length} step executions, found ${executions}`);
  results.steps = {
    seconds: stepSeconds,
    transitionsPerSecond: executions / stepSeconds,
    runsPerSecond: RUNS / stepSeconds,
    tasks,
  };
  log(`  ${fmt(results.steps.transitionsPerSecond)} step transitions/s`);

  await stopBuiltService(service);
  log('baseline: a bare consumer and bare SQL writing the same rows...');
  results.bare = await baseline(pg, kafka);
  log(`  ${fmt(results.bare.transitionsPerSecond)} rows/s`);

  const text = report(results);
  console.log(`\n${text}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'playbooks.md'), text);
  writeFigures('playbooks', 'Playbooks', [
    {
      figure: 'run starts/s (alert.raised on Kafka → run row)',
      value: results.starts.perSecond,
      target: null,
      baseline: results.bare.startsPerSecond,
      ratio: results.starts.perSecond / results.bare.startsPerSecond,
      baselineName: 'bare kafkajs consumer inserting one row per alert',
    },
    {
      figure: `step transitions/s (${fmt(RUNS)} due runs of ${STEPS.length} quick steps)`,
      value: results.steps.transitionsPerSecond,
      target: '>= 500',
      baseline: results.bare.transitionsPerSecond,
      ratio: results.steps.transitionsPerSecond / results.bare.transitionsPerSecond,
      baselineName: 'bare SQL claim (SKIP LOCKED) + INSERT executions + UPDATE runs',
    },
  ]);
} catch (error) {
  console.error(`\n[bench] FAILED: ${error.message}`);
  if (service) console.error(service.output.slice(-3000));
  process.exitCode = 1;
} finally {
  if (service) await stopBuiltService(service);
  for (const client of clients) await client.disconnect().catch(() => undefined);
  await pg?.end().catch(() => undefined);
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(KAFKA_DIR, { recursive: true, force: true });
}
