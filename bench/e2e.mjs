#!/usr/bin/env node
// npm run bench (its end-to-end part; alone: node bench/e2e.mjs) — the whole pipeline's load
// curve, and how long a customer event takes to become each thing Tsuzuku does with it, hop by
// hop, through all five services.
//
// 1. Its own Kafka and a fresh database; the five built services; a workspace from the CLI; a
//    base of healthy accounts sent through /v1/import; a playbook that gives every NPS detractor
//    alert a CSM task.
// 2. Steps of background load: sign-ins on /v1/batch at each rate of BENCH_STEPS for BENCH_STEP_S
//    seconds, open loop (a refused batch is counted, not retried). Per step: the rate accepted,
//    the answers' latency and refusals, every consumer group's lag sampled through the step (the
//    lag "stops growing" when its slope over the second half stays under 2 % of the rate), and
//    the CPU time each process spent per accepted event (/proc: the services, Kafka, Postgres and
//    this load generator).
// 3. Meanwhile, probes: a detractor answer (NPS 2) for a healthy account of its own, timed from
//    the moment it is sent through each hop: ingestion's 200 (accepted), read from cs.events.v1,
//    scored and committed (the Kafka timestamp of its account.health.changed: the moment the
//    scoring wrote it to the outbox), account.health.changed read from cs.health.v1, alert.raised
//    nps_detractor from cs.alerts.v1, task.created from cs.playbooks.v1. A refused probe is sent
//    again after its Retry-After, as the SDKs do; its time still counts from the first send.
// 4. Between steps, the pipeline drains (every group's lag back to 0) so each step starts level.
//
// The sustained throughput is the highest step accepted at >= 95 % of its rate with a lag that
// stops growing. Targets (issue 19): sustained >= 8,000 events/s; at 5,000 events/s score p99
// <= 1 s, alert p99 <= 1.5 s, task p99 <= 2 s; at 16,000 offered, accepted p99 <= 1 s and
// accepted events/s >= 90 % of the sustained throughput. Each figure is printed with its ratio to
// its target (a ratio <= 1 meets a ceiling, >= 1 a floor). The lag is read from the groups'
// committed offsets, so it moves by the consumers' batches: a backlog under one second of events at
// the end of a step counts as not growing.
//
// Knobs: BENCH_STEPS (2000,5000,8000,10000,16000), BENCH_STEP_S (20), BENCH_RATE=N runs one step
// at N (BENCH_DURATION_S its length), BENCH_PROBES_PER_S (2), BENCH_ACCOUNTS (1000 load accounts),
// BENCH_ECHO=1 shows the services' output, BENCH_NO_BUILD=1 skips the build, BENCH_CPU_PROF=<dir>
// has each service write a V8 CPU profile there (node tools/scripts/cpu-profile-top.mjs reads them).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
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

const STEPS = process.env.BENCH_RATE
  ? [Number(process.env.BENCH_RATE)]
  : (process.env.BENCH_STEPS ?? '2000,5000,8000,10000,16000').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_STEP_S ?? process.env.BENCH_DURATION_S ?? 20);
const PROBES_PER_S = Number(process.env.BENCH_PROBES_PER_S ?? 2);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const PROBE_ACCOUNTS = Math.ceil(STEPS.length * STEP_S * PROBES_PER_S) + 10;
const BENCH_KAFKA = { name: 'bench-e2e', port: 19592 };
const DATABASE = 'tsuzuku_bench_e2e';
const ADMIN_TOKEN = 'bench-e2e-admin-token-0123456789';
const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'];
const BATCH = 100;
const LAG_SAMPLE_MS = 2_000;
/** The rate a step must reach, as a share of its offered rate, to count as sustained. */
const ACHIEVED_SHARE = 0.95;
/** The lag's slope over a step's second half, as a share of the rate, that counts as growing. */
const GROWING_SLOPE_SHARE = 0.02;
const TARGETS = {
  sustained: 8_000,
  latencyAt: 5_000,
  scoreP99: 1_000,
  alertP99: 1_500,
  taskP99: 2_000,
  overloadAt: 16_000,
  overloadAcceptedP99: 1_000,
  overloadShare: 0.9,
};
const CLOCK_TICKS_PER_S = 100;

const log = (message) => console.log(`[bench:e2e] ${message}`);
const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const ms = (v) => (v === null ? '—' : v.toFixed(0));

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

/** CPU seconds a process has used (its own and its reaped children's), from /proc; 0 once gone. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14 ... cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_S
    );
  } catch {
    return 0;
  }
}

/** Every process named `postgres` (the server and its backends): the database's CPU. */
function postgresPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds used so far by each process that does the pipeline's work, by name. */
function cpuNow(services, kafkaPid) {
  const usage = process.cpuUsage();
  return {
    ...Object.fromEntries(services.map((s) => [s.app, cpuSecondsOf(s.child.pid)])),
    kafka: kafkaPid ? cpuSecondsOf(kafkaPid) : 0,
    postgres: postgresPids().reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    'load generator': (usage.user + usage.system) / 1e6,
  };
}

/** Each consumer group's lag: the messages of its topics it has not committed yet. */
async function lagByGroup(admin, groups) {
  const ends = new Map();
  const out = {};
  for (const { groupId, topics } of groups) {
    let lag = 0;
    for (const topic of topics) {
      if (!ends.has(topic))
        ends.set(
          topic,
          new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)])),
        );
      const end = ends.get(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const { partition, offset } of committed?.partitions ?? []) {
        const high = end.get(partition) ?? 0;
        lag += Math.max(0, high - (Number(offset) < 0 ? 0 : Number(offset)));
      }
    }
    out[groupId] = lag;
  }
  return out;
}

/** Least-squares slope (per second) of samples { t (ms), value }. */
function slopePerSecond(samples) {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mv = samples.reduce((s, x) => s + x.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.t - mt) * (x.value - mv);
    den += (x.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

const services = [];
let reader;
let admin;
try {
  log('infrastructure and build...');
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name), {
    recursive: true,
    force: true,
  });
  const databaseUrl = await infra.ensurePostgres();
  const brokers = await infra.ensureKafka(BENCH_KAFKA);
  const kafkaPid = Number(
    readFileSync(path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name, 'kafka.pid'), 'utf8'),
  );
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
    // BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there when it stops.
    const nodeArgs = process.env.BENCH_CPU_PROF
      ? [
          '--cpu-prof',
          '--cpu-prof-dir',
          path.resolve(process.env.BENCH_CPU_PROF),
          `--cpu-prof-name=${app}.cpuprofile`,
        ]
      : [];
    services.push({
      ...startBuiltService(app, { ...env, PORT: String(port), HOST: '127.0.0.1' }, { nodeArgs }),
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

  const loadAccount = (i) => `acct-${i}`;
  const probeAccount = (i) => `probe-${i}`;
  log(`a base of ${ACCOUNTS} load and ${PROBE_ACCOUNTS} probe accounts, healthy, through /v1/import...`);
  const DAY_MS = 86_400_000;
  const now = Date.now();
  const base = [];
  const accountIds = [
    ...Array.from({ length: ACCOUNTS }, (_, i) => loadAccount(i)),
    ...Array.from({ length: PROBE_ACCOUNTS }, (_, i) => probeAccount(i)),
  ];
  for (const [i, accountId] of accountIds.entries()) {
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
  const { waitForCatchUp, waitForSettled } = require(path.join(ROOT, 'libs/demo/dist/demo-flow.js'));
  const { PIPELINE_CONSUMER_GROUPS } = require(path.join(ROOT, 'libs/demo/dist/pipeline.js'));
  await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS);
  // The imported accounts' present state is announced once their history is quiet; every service
  // has had it (playbooks knows each account's profile) before the timed part.
  await waitForSettled(
    {
      ingestion: url.ingestion,
      healthScoring: url['health-scoring'],
      alerting: url.alerting,
      playbooks: url.playbooks,
      reporting: url.reporting,
    },
    workspace.apiToken.secret,
  );
  await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS);
  const kafka = new Kafka({ clientId: 'bench-e2e', brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();

  // What each probe becomes, by account, as it arrives (Date.now(): the Kafka timestamps are on
  // the same clock).
  const seen = { event: new Map(), scored: new Map(), health: new Map(), alert: new Map(), task: new Map() };
  reader = kafka.consumer({ groupId: `bench-e2e-reader-${Date.now()}`, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({
    topics: ['cs.events.v1', 'cs.health.v1', 'cs.alerts.v1', 'cs.playbooks.v1'],
    fromBeginning: false,
  });
  let assigned = false;
  reader.on(reader.events.GROUP_JOIN, () => (assigned = true));
  // A probe account's messages count from its probe's first send on (a sweep may touch it before).
  const probeSentAt = new Map();
  await reader.run({
    eachBatch: async ({ batch }) => {
      const at = Date.now();
      for (const message of batch.messages) {
        const key = message.key?.toString() ?? '';
        if (!key.includes(':probe-')) continue;
        const account = key.slice(key.indexOf(':') + 1);
        if (!probeSentAt.has(account)) continue;
        if (batch.topic === 'cs.events.v1') {
          if (!seen.event.has(account)) seen.event.set(account, at);
          continue;
        }
        const envelope = JSON.parse(message.value.toString());
        if (batch.topic === 'cs.health.v1' && !seen.health.has(account)) {
          seen.health.set(account, at);
          seen.scored.set(account, Number(message.timestamp));
        }
        if (
          batch.topic === 'cs.alerts.v1' &&
          envelope.type === 'alert.raised' &&
          envelope.data.ruleType === 'nps_detractor' &&
          !seen.alert.has(account)
        )
          seen.alert.set(account, at);
        if (batch.topic === 'cs.playbooks.v1' && envelope.type === 'task.created' && !seen.task.has(account))
          seen.task.set(account, at);
      }
    },
  });
  while (!assigned) await sleep(100);
  await sleep(2000);

  let probeIndex = 0;
  const results = [];
  for (const rate of STEPS) {
    log(`step: ${rate} events/s for ${STEP_S} s on /v1/batch, ${PROBES_PER_S} probes/s...`);
    const probes = [];
    const answers = { accepted: [], refused: new Map(), refusedMs: [], failed: 0 };
    let acceptedEvents = 0;
    let loadIndex = 0;
    const lagSamples = [];
    const cpuBefore = cpuNow(services, kafkaPid);
    const started = Date.now();
    const interval = (1000 * BATCH) / rate;
    const inflight = new Set();
    let next = started;
    let probeNext = started + 500;
    let lagNext = started + LAG_SAMPLE_MS;
    const sampling = [];
    while (Date.now() - started < STEP_S * 1000) {
      const t = Date.now();
      if (t >= next) {
        next += interval;
        const batch = Array.from({ length: BATCH }, () => {
          const accountId = loadAccount(loadIndex++ % ACCOUNTS);
          return {
            type: 'track',
            userId: `${accountId}-u1`,
            event: 'Signed In',
            context: { groupId: accountId },
          };
        });
        const sentAt = Date.now();
        const p = fetch(`${url.ingestion}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...basic },
          body: JSON.stringify({ batch }),
        })
          .then(async (response) => {
            await response.arrayBuffer();
            const took = Date.now() - sentAt;
            if (response.ok) {
              answers.accepted.push(took);
              acceptedEvents += BATCH;
            } else {
              answers.refused.set(response.status, (answers.refused.get(response.status) ?? 0) + 1);
              answers.refusedMs.push(took);
            }
          })
          .catch(() => (answers.failed += 1))
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (t >= probeNext && probeIndex < PROBE_ACCOUNTS) {
        probeNext += 1000 / PROBES_PER_S;
        const accountId = probeAccount(probeIndex++);
        const probe = { accountId, sentAt: Date.now(), acceptedAt: null };
        probes.push(probe);
        probeSentAt.set(accountId, probe.sentAt);
        const p = (async () => {
          for (let attempt = 0; attempt < 20; attempt++) {
            const response = await fetch(`${url.ingestion}/v1/track`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...basic },
              body: JSON.stringify({
                userId: `${accountId}-u0`,
                event: 'Survey Responded',
                properties: { survey: 'nps', score: 2 },
                context: { groupId: accountId },
                messageId: `probe-${accountId}`,
              }),
            }).catch(() => null);
            await response?.arrayBuffer();
            if (response?.ok) {
              probe.acceptedAt = Date.now();
              return;
            }
            const retryAfter = Number(response?.headers.get('retry-after') ?? 1);
            await sleep(1000 * (Number.isFinite(retryAfter) ? retryAfter : 1));
          }
        })().finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (t >= lagNext) {
        lagNext += LAG_SAMPLE_MS;
        const at = Date.now() - started;
        sampling.push(
          lagByGroup(admin, PIPELINE_CONSUMER_GROUPS)
            .then((lags) => lagSamples.push({ t: at, lags }))
            .catch(() => undefined),
        );
      }
      await sleep(Math.max(0, Math.min(next, probeNext, lagNext) - Date.now()));
    }
    const loadSeconds = (Date.now() - started) / 1000;
    await Promise.all(sampling);
    const endLags = await lagByGroup(admin, PIPELINE_CONSUMER_GROUPS);
    lagSamples.push({ t: Date.now() - started, lags: endLags });
    await Promise.all(inflight);
    const cpuAfter = cpuNow(services, kafkaPid);

    log('waiting up to 30 s for the step’s last probes...');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && probes.some((p) => !seen.task.has(p.accountId))) await sleep(250);
    log('draining: waiting for every group’s lag to reach 0 before the next step...');
    const drainStarted = Date.now();
    await waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS, { timeoutMs: 300_000 });
    const drainSeconds = (Date.now() - drainStarted) / 1000;

    // The lag's growth over the step's second half, for the group that grew most.
    const secondHalf = lagSamples.filter((s) => s.t >= (STEP_S * 1000) / 2);
    const slopes = Object.fromEntries(
      PIPELINE_CONSUMER_GROUPS.map(({ groupId }) => [
        groupId,
        slopePerSecond(secondHalf.map((s) => ({ t: s.t, value: s.lags[groupId] ?? 0 }))),
      ]),
    );
    const worstSlope = Math.max(...Object.values(slopes));
    const achieved = acceptedEvents / loadSeconds;
    const cpu = Object.fromEntries(
      Object.keys(cpuAfter).map((name) => [
        name,
        acceptedEvents > 0 ? ((cpuAfter[name] - cpuBefore[name]) * 1e6) / acceptedEvents : null,
      ]),
    );
    const stage = (map) =>
      probes.filter((p) => map.has(p.accountId)).map((p) => map.get(p.accountId) - p.sentAt);
    const accepted = probes.filter((p) => p.acceptedAt !== null).map((p) => p.acceptedAt - p.sentAt);
    const stages = [
      ['accepted (ingestion 200)', accepted],
      ['read from cs.events.v1', stage(seen.event)],
      ['scored and committed (outbox write)', stage(seen.scored)],
      ['account.health.changed read from cs.health.v1', stage(seen.health)],
      ['alert.raised read from cs.alerts.v1', stage(seen.alert)],
      ['task.created read from cs.playbooks.v1', stage(seen.task)],
    ];
    // Each hop: the time between consecutive stages of the same probe.
    const maps = [null, seen.event, seen.scored, seen.health, seen.alert, seen.task];
    const timeOf = (p, i) => (i === 0 ? p.acceptedAt : (maps[i].get(p.accountId) ?? null));
    const hops = stages.map(([name], i) => [
      i === 0 ? 'sent → accepted' : `${stages[i - 1][0]} → ${name}`,
      probes
        .map((p) => {
          const a = i === 0 ? p.sentAt : timeOf(p, i - 1);
          const b = timeOf(p, i);
          return a === null || b === null ? null : b - a;
        })
        .filter((v) => v !== null),
    ]);
    results.push({
      rate,
      achieved,
      // Sustained: taken at (nearly) its rate, and the backlog at the end is under a second of
      // events or no longer growing.
      sustained:
        achieved >= ACHIEVED_SHARE * rate &&
        (Math.max(0, ...Object.values(endLags)) <= rate || worstSlope <= GROWING_SLOPE_SHARE * rate),
      endLags,
      slopes,
      worstSlope,
      drainSeconds,
      cpu,
      answers,
      probes: probes.length,
      stages,
      hops,
    });
    log(
      `step ${rate}: accepted ${Math.round(achieved)} events/s, answers p99 ${ms(percentile(answers.accepted, 99))} ms, refused ${[...answers.refused.values()].reduce((a, b) => a + b, 0)}, lag slope ${Math.round(worstSlope)}/s, score p99 ${ms(percentile(stage(seen.scored), 99))} ms, task p99 ${ms(percentile(stage(seen.task), 99))} ms`,
    );
  }

  // --- the report ------------------------------------------------------------------------------
  const sustained = results.filter((r) => r.sustained).reduce((best, r) => Math.max(best, r.rate), 0);
  const atLatency = results.find((r) => r.rate === TARGETS.latencyAt);
  const atOverload = results.find((r) => r.rate === TARGETS.overloadAt);
  const p99Of = (r, i) => (r ? percentile(r.stages[i][1], 99) : null);
  const figures = [];
  const ceiling = (figure, value, target) =>
    figures.push({
      figure,
      value,
      target: `≤ ${target}`,
      baseline: target,
      baselineName: 'target',
      ratio: value === null ? null : value / target,
    });
  const floor = (figure, value, target) =>
    figures.push({
      figure,
      value,
      target: `≥ ${Math.round(target)}`,
      baseline: target,
      baselineName: 'target',
      ratio: value === null ? null : value / target,
    });
  floor(
    'sustained throughput of the whole pipeline: events/s (highest step sustained)',
    sustained,
    TARGETS.sustained,
  );
  if (atLatency) {
    ceiling(
      `at ${TARGETS.latencyAt}/s: event → score p99 ms (scored and committed)`,
      p99Of(atLatency, 2),
      TARGETS.scoreP99,
    );
    ceiling(`at ${TARGETS.latencyAt}/s: event → alert p99 ms`, p99Of(atLatency, 4), TARGETS.alertP99);
    ceiling(`at ${TARGETS.latencyAt}/s: event → task p99 ms`, p99Of(atLatency, 5), TARGETS.taskP99);
  }
  if (atOverload) {
    ceiling(
      `at ${TARGETS.overloadAt}/s offered: accepted p99 ms (/v1/batch answers)`,
      percentile(atOverload.answers.accepted, 99),
      TARGETS.overloadAcceptedP99,
    );
    if (sustained > 0)
      floor(
        `at ${TARGETS.overloadAt}/s offered: events accepted/s`,
        atOverload.achieved,
        TARGETS.overloadShare * sustained,
      );
  }
  for (const r of results)
    figures.push({
      figure: `step ${r.rate}/s: accepted events/s; score p99 ms; task p99 ms`,
      value: Math.round(r.achieved),
      target: `score p99 ${ms(p99Of(r, 2))}, task p99 ${ms(p99Of(r, 5))}`,
    });

  const spread = (v) => `${ms(percentile(v, 50))} / ${ms(percentile(v, 95))} / ${ms(percentile(v, 99))}`;
  /** A table of the probes' stages or hops: a column each, a row per step. */
  const latencyTable = (field, cell) => [
    `| offered events/s | ${results[0]?.[field].map(([name]) => name).join(' | ')} |`,
    `| --- | ${results[0]?.[field].map(() => '---').join(' | ')} |`,
    ...results.map((r) => `| ${r.rate} | ${r[field].map(([, v]) => cell(v, r)).join(' | ')} |`),
  ];
  const refusedText = (r) => [...r.answers.refused].map(([status, n]) => `${n}×${status}`).join(', ') || '0';
  const cpuNames = Object.keys(results[0]?.cpu ?? {});
  const lines = [
    '## End-to-end load curve',
    '',
    `${new Date().toISOString()} — ${machine()}; five services, Kafka, Postgres and the load generator on the same cores; steps of ${STEP_S} s of sign-ins on /v1/batch (batches of ${BATCH}, open loop), ${PROBES_PER_S} detractor probes/s, the pipeline drained between steps.`,
    '',
    '| offered events/s | accepted events/s | /v1/batch p50 / p99 ms | refused batches (p99 ms) | lag at end (worst group) | lag slope, 2nd half (/s) | sustained | drain after (s) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.rate} | ${Math.round(r.achieved)} | ${ms(percentile(r.answers.accepted, 50))} / ${ms(percentile(r.answers.accepted, 99))} | ${refusedText(r)} (${ms(percentile(r.answers.refusedMs, 99))})${r.answers.failed ? `, ${r.answers.failed} failed` : ''} | ${Math.max(0, ...Object.values(r.endLags))} | ${Math.round(r.worstSlope)} | ${r.sustained ? 'yes' : 'no'} | ${r.drainSeconds.toFixed(0)} |`,
    ),
    '',
    `Lag at the end of each step, by group: ${results
      .map(
        (r) =>
          `${r.rate}/s: ${Object.entries(r.endLags)
            .map(([group, lag]) => `${group} ${lag}`)
            .join(', ')}`,
      )
      .join('; ')}.`,
    '',
    `Sustained throughput: **${sustained} events/s** (the highest step accepted at ≥ ${ACHIEVED_SHARE * 100} % whose lag at the end is under one second of events or grew by ≤ ${GROWING_SLOPE_SHARE * 100} % of the rate over the second half).`,
    '',
    '### CPU time per accepted event (µs), by process',
    '',
    `| offered events/s | ${cpuNames.join(' | ')} | total |`,
    `| --- | ${cpuNames.map(() => '---').join(' | ')} | --- |`,
    ...results.map(
      (r) =>
        `| ${r.rate} | ${cpuNames.map((n) => (r.cpu[n] === null ? '—' : r.cpu[n].toFixed(0))).join(' | ')} | ${Object.values(
          r.cpu,
        )
          .reduce((a, b) => a + (b ?? 0), 0)
          .toFixed(0)} |`,
    ),
    '',
    '### Probe latency from the send, by stage (ms, p50 / p95 / p99)',
    '',
    ...latencyTable('stages', (v, r) => `${spread(v)} (${v.length}/${r.probes})`),
    '',
    '### Probe latency by hop (ms, p50 / p95 / p99)',
    '',
    'A hop can be ≤ 0 where the bench reads an event from cs.events.v1 before ingestion’s 200 reaches it.',
    '',
    ...latencyTable('hops', (v) => spread(v)),
    '',
    '### Against the targets',
    '',
    '| figure | value | target | ratio to target |',
    '| --- | --- | --- | --- |',
    ...figures
      .filter((f) => f.ratio !== undefined)
      .map(
        (f) =>
          `| ${f.figure} | ${f.value === null ? '—' : Math.round(f.value)} | ${f.target} | ${f.ratio === null ? '—' : f.ratio.toFixed(2)} |`,
      ),
    '',
  ].join('\n');
  console.log(`\n${lines}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'e2e.md'), lines);
  writeFigures('e2e', 'End to end', figures);
  if (!results.some((r) => r.stages[5][1].length > 0)) throw new Error('no probe reached a task');
} catch (error) {
  console.error(`\n[bench:e2e] FAILED: ${error.stack ?? error.message}`);
  for (const s of services) if (s.child.exitCode !== null) console.error(`${s.app} output:\n${s.output}`);
  process.exitCode = 1;
} finally {
  await reader?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await Promise.all(services.map(stopBuiltService));
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name), {
    recursive: true,
    force: true,
  });
}
