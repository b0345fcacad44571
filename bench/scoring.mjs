#!/usr/bin/env node
// npm run bench:scoring — how fast health-scoring keeps every account's score current, against a
// bare kafkajs consumer reading the same events in the same run on the same machine (the ratio
// is what counts), and how long an event takes to show up as an account.health.changed.
//
// 1. A backlog of BENCH_EVENTS customer events for BENCH_ACCOUNTS accounts goes onto
//    cs.events.v1 while nothing consumes it (producing is not measured).
// 2. Baseline: a kafkajs consumer that does nothing with the messages drains it.
// 3. health-scoring starts; throughput = events / time from its start until its consumer group
//    has committed the end of every partition.
// 4. Latency: NPS probes at a steady rate, timed from the produce call to the
//    account.health.changed on cs.health.v1 whose causationId is the probe's id.
//
// Knobs: BENCH_PROFILE=1 (a CPU profile of the service in .tsuzuku/prof), BENCH_ACCOUNTS (10000), BENCH_EVENTS (200000), BENCH_PROBE_RATE (50 /s),
// BENCH_PROBE_S (20), BENCH_DRAIN_TIMEOUT_S (600), BENCH_SETTLE_MS (2000, the service's BACKFILL_SETTLE_MS); BENCH_ECHO=1 shows the service's output;
// BENCH_NO_BUILD=1 skips the build; BENCH_KAFKA_PORT (19492) is its broker's port; BENCH_GROUP measures another consumer group of the service
// (default health-scoring.scoring), e.g. to check the bench itself.
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
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const PROBE_RATE = Number(process.env.BENCH_PROBE_RATE ?? 50);
const PROBE_SECONDS = Number(process.env.BENCH_PROBE_S ?? 20);
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_S ?? 600) * 1000;
const GROUP = process.env.BENCH_GROUP ?? 'health-scoring.scoring';

// A broker of its own: a backlog of 200,000 events on the development broker would hold up every
// consumer group that reads cs.events.v1 there. Removed at the end.
const BENCH_KAFKA = { name: 'bench-scoring', port: Number(process.env.BENCH_KAFKA_PORT ?? 19492) };
const KAFKA_DIR = path.join(ROOT, '.tsuzuku', 'kafka', 'instances', BENCH_KAFKA.name);
const DATABASE = 'tsuzuku_bench_scoring';
const EVENTS_TOPIC = 'cs.events.v1';
const HEALTH_TOPIC = 'cs.health.v1';
const WORKSPACE = 'bench-ws';
const POLL_MS = 200;
const BATCH = 1000;
const DAY_MS = 86_400_000;

const log = (message) => console.log(`[bench] ${message}`);
const fmt = (n) =>
  typeof n !== 'number'
    ? n
    : n >= 100 || Number.isInteger(n)
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(1);

/** Loaded after the build: topic declarations, headers, keys and validators come from the contracts. */
let contracts;

// ---------------------------------------------------------------------------------------------
// The events. A seeded generator, so that two runs score the same mix (ids stay random).

const random = seededRandom(20251123);
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));

const PLANS = [
  { plan: 'starter', mrr: 99 },
  { plan: 'growth', mrr: 499 },
  { plan: 'business', mrr: 1_999 },
  { plan: 'enterprise', mrr: 7_999 },
];
const SEGMENTS = ['smb', 'mid-market', 'enterprise'];
const KEY_FEATURES = ['Report Exported', 'Dashboard Shared', 'Integration Connected', 'Workflow Automated'];
const ONBOARDING_STEPS = ['invite_team', 'connect_data', 'first_report', 'configure_alerts'];
const OUTCOME_METRICS = ['hours_saved', 'tickets_deflected', 'revenue_influenced'];

/** The latest NPS score each account has, so that a probe can flip it and move the health. */
const lastNps = new Map();

const accountId = (n) => `acct-${n}`;

/** A customer.event.recorded envelope, as ingestion publishes it (libs/contracts envelope + value). */
function customerEvent({ account, call, event, userId, properties = {}, traits = {}, occurredAt }) {
  const id = randomUUID();
  const now = new Date().toISOString();
  return {
    specVersion: 1,
    id,
    type: 'customer.event.recorded',
    workspaceId: WORKSPACE,
    accountId: accountId(account),
    occurredAt,
    producedAt: now,
    source: 'bench',
    correlationId: id,
    causationId: null,
    data: {
      call,
      messageId: id,
      ...(event ? { event } : {}),
      userId,
      anonymousId: null,
      ...(call === 'group' ? { groupId: accountId(account) } : {}),
      properties,
      traits,
      context: {},
      timestamp: occurredAt,
      receivedAt: now,
      sentAt: null,
      originalTimestamp: null,
    },
  };
}

/** The group call that names an account and its profile: the first event of each account. */
function groupEvent(account) {
  const { plan, mrr } = pick(PLANS);
  return customerEvent({
    account,
    call: 'group',
    userId: `user-${account}-0`,
    traits: {
      name: `Bench Account ${account}`,
      plan,
      mrr,
      seats: between(3, 200),
      segment: pick(SEGMENTS),
      csm_email: `csm-${account % 25}@bench.example`,
    },
    occurredAt: new Date(Date.now() - 30 * DAY_MS - between(0, DAY_MS)).toISOString(),
  });
}

/** What a track event is and carries: mostly sign-ins, then feature use, then the rarer CS events. */
function trackPayload(account) {
  const r = random();
  if (r < 0.55) return { event: 'Signed In', properties: {} };
  if (r < 0.8) return { event: pick(KEY_FEATURES), properties: {} };
  if (r < 0.86) return { event: 'Onboarding Step Completed', properties: { step: pick(ONBOARDING_STEPS) } };
  if (r < 0.9)
    return {
      event: 'Ticket Opened',
      properties: { ticket_id: `t-${randomUUID().slice(0, 8)}`, priority: `P${between(1, 4)}` },
    };
  if (r < 0.94) return { event: 'Survey Responded', properties: { survey: 'nps', score: between(0, 10) } };
  if (r < 0.97)
    return {
      event: 'Subscription Changed',
      properties: { mrr: pick(PLANS).mrr, currency: 'USD', subscription_id: `sub-${account}` },
    };
  return { event: 'Outcome Reported', properties: { metric: pick(OUTCOME_METRICS), value: between(1, 500) } };
}

/** A track event at a random time of the last 30 days, by one of the account's eight users. */
function trackEvent(account) {
  const { event, properties } = trackPayload(account);
  const occurredAt = new Date(Date.now() - between(0, 30 * DAY_MS)).toISOString();
  if (event === 'Survey Responded') {
    const last = lastNps.get(account);
    if (!last || last.at < occurredAt) lastNps.set(account, { at: occurredAt, score: properties.score });
  }
  return customerEvent({
    account,
    call: 'track',
    event,
    userId: `user-${account}-${between(0, 7)}`,
    properties,
    occurredAt,
  });
}

/** Event number i of the backlog: every account's group call first, then track events. */
const backlogEvent = (i) => (i < ACCOUNTS ? groupEvent(i) : trackEvent(between(0, ACCOUNTS - 1)));

/** The Kafka message of an envelope, with the key and headers EventPublisher sets. */
function toMessage(envelope) {
  const { Header, messageKey } = contracts;
  return {
    key: messageKey(envelope.workspaceId, envelope.accountId, envelope.data.userId),
    value: JSON.stringify(envelope),
    headers: {
      [Header.EventType]: envelope.type,
      [Header.SpecVersion]: String(envelope.specVersion),
      [Header.WorkspaceId]: envelope.workspaceId,
    },
  };
}

/**
 * Checks envelopes against the contracts, and their Segment calls against the CS event spec, so
 * that the service measures scoring, not the dead-letter path.
 */
function assertValid(envelopes) {
  for (const envelope of envelopes) {
    const checked = contracts.checkEnvelope(envelope);
    if (!checked.ok)
      throw new Error(
        `bench event breaks the envelope contract: ${contracts.describeViolations(checked.violations)}`,
      );
    // The Segment call ingestion accepted: the fields it sends, without the ones it adds or nulls.
    const { call, messageId, event, userId, groupId, properties, traits, timestamp } = envelope.data;
    const segmentCall = { type: call, messageId, event, userId, groupId, properties, traits, timestamp };
    // (The JSON round trip drops the fields a call type does not have.)
    const segment = contracts.checkSegmentCall(JSON.parse(JSON.stringify(segmentCall)));
    if (!segment.ok)
      throw new Error(
        `bench event breaks the CS event spec: ${JSON.stringify(segment.problems)} in ${JSON.stringify(segmentCall)}`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka.

/** Creates every declared topic as the services' TopicProvisioner would (one replica). */
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
  // A broker that was already on the port (not ours) would add its old events to the count.
  const ends = await endOffsets(admin, EVENTS_TOPIC);
  if (total(ends) !== 0)
    throw new Error(`${EVENTS_TOPIC} on port ${BENCH_KAFKA.port} already holds ${total(ends)} events`);
}

/** The backlog, in batches of 1,000 (acks from all in-sync replicas, as EventPublisher). */
async function produceBacklog(producer) {
  const started = performance.now();
  for (let first = 0; first < EVENTS; first += BATCH) {
    const envelopes = [];
    for (let i = first; i < Math.min(first + BATCH, EVENTS); i++) envelopes.push(backlogEvent(i));
    // A sample is checked: the first batch (group calls), the first with track events, every 20th.
    if (first === 0 || first === Math.floor(ACCOUNTS / BATCH) * BATCH || (first / BATCH) % 20 === 0)
      assertValid(envelopes);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [{ topic: EVENTS_TOPIC, messages: envelopes.map(toMessage) }],
    });
    if ((first / BATCH) % 50 === 49) log(`  produced ${fmt(first + BATCH)} events`);
  }
  return (performance.now() - started) / 1000;
}

/** The end offset (high watermark) of each partition. */
async function endOffsets(admin, topic) {
  const offsets = await retrying(() => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** A fresh broker answers "not the leader" for a while after the topics are created. */
async function retrying(fn, attempts = 20) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(500);
    }
  }
}

const total = (offsets) => [...offsets.values()].reduce((sum, n) => sum + n, 0);

/** What a group has committed on each partition (0 where it has committed nothing yet). */
async function committedOffsets(admin, groupId, topic) {
  const [found] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((found?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

/**
 * Polls a group's committed offsets every 200 ms until they reach `ends` on every partition;
 * resolves to the seconds since `started`. `tick` runs on every poll (to check the service is
 * alive); after the timeout it throws with how far the group got.
 */
async function waitForDrain({ admin, groupId, ends, started, timeoutMs, tick = async () => {} }) {
  let lastReport = performance.now();
  for (;;) {
    await tick();
    const committed = await committedOffsets(admin, groupId, EVENTS_TOPIC);
    const elapsed = (performance.now() - started) / 1000;
    if ([...ends].every(([partition, end]) => (committed.get(partition) ?? 0) >= end)) return elapsed;
    const done = [...ends.keys()].reduce((sum, p) => sum + Math.min(committed.get(p) ?? 0, ends.get(p)), 0);
    if (performance.now() - started > timeoutMs)
      throw new Error(
        `${groupId} had committed ${fmt(done)} of ${fmt(total(ends))} events after ${elapsed.toFixed(0)} s ` +
          `(${fmt(done / elapsed)} events/s); gave up waiting (BENCH_DRAIN_TIMEOUT_S)` +
          (done === 0 ? `; it committed nothing: does the service run a consumer group ${groupId}?` : ''),
      );
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      log(`  ${groupId}: ${fmt(done)} / ${fmt(total(ends))} committed after ${elapsed.toFixed(0)} s`);
    }
    await sleep(POLL_MS);
  }
}

/** A consumer with ConsumerRunner's settings (the baseline fetches as the service does) that says when it crashes. */
function benchConsumer(kafka, groupId) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 15_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 1_000,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    log(`consumer ${groupId} crashed (restarted when retriable): ${payload.error}`),
  );
  return consumer;
}

/** The ceiling: a kafkajs consumer that reads the backlog and does nothing with it. */
async function measureBare(kafka, admin, ends) {
  const groupId = `bench-scoring.bare.${randomUUID()}`;
  // On a fresh broker the group coordinator is still loading: a consumer joining now would crash,
  // restart and count that time. Asking for the group's offsets until it answers waits it out.
  await retrying(() => committedOffsets(admin, groupId, EVENTS_TOPIC));
  const consumer = benchConsumer(kafka, groupId);
  const started = performance.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [EVENTS_TOPIC], fromBeginning: true });
    await consumer.run({ eachBatch: async () => {} });
    const seconds = await waitForDrain({ admin, groupId, ends, started, timeoutMs: DRAIN_TIMEOUT_MS });
    return { seconds, eventsPerSecond: total(ends) / seconds };
  } finally {
    await consumer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// The service.

/** Spawns the built service; keeps its output for the error messages. */
const lastOutput = (service) => service.output.slice(-3000);

/**
 * The per-poll check while the service drains: it must stay alive and answer /health/ready
 * within 90 s. Consumers start before the HTTP server, so draining is timed from the spawn.
 */
function serviceCheck(service, url, started) {
  return async () => {
    if (service.child.exitCode !== null || service.child.signalCode !== null)
      throw new Error(
        `health-scoring exited (${service.child.exitCode ?? service.child.signalCode}):\n${lastOutput(service)}`,
      );
    if (service.readySeconds !== undefined) return;
    const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) service.readySeconds = (performance.now() - started) / 1000;
    else if (performance.now() - started > 90_000)
      throw new Error(`health-scoring was not ready within 90 s:\n${lastOutput(service)}`);
  };
}

/**
 * Seconds from the spawn until the outbox is empty: the health changes of the backlog are on
 * cs.health.v1, so the probes do not queue behind them. Null when there is no outbox table.
 */
async function waitForOutbox(databaseUrl, started) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = performance.now() + 120_000;
    for (;;) {
      const { rows } = await client
        .query('SELECT count(*)::int AS n FROM health_scoring.outbox')
        .catch(() => ({
          rows: [{ n: null }],
        }));
      if (rows[0].n === null) return null;
      if (rows[0].n === 0) return (performance.now() - started) / 1000;
      if (performance.now() > deadline)
        throw new Error(`the outbox still holds ${rows[0].n} messages after 120 s`);
      await sleep(POLL_MS);
    }
  } finally {
    await client.end();
  }
}

/**
 * Seconds from the spawn until no account waits for its backfill to settle: the events older than
 * the horizon (most of a 30-day backlog) have had their past rebuilt and their present announced.
 * Null when the service has no backfill (an older checkout).
 */
async function waitForSettled(databaseUrl, started) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const { rows } = await client
        .query('SELECT count(*)::int AS n FROM health_scoring.backfill_pending')
        .catch(() => ({ rows: [{ n: null }] }));
      if (rows[0].n === null) return null;
      if (rows[0].n === 0) return (performance.now() - started) / 1000;
      if (performance.now() > deadline)
        throw new Error(`${rows[0].n} accounts still wait for their backfill to settle`);
      await sleep(POLL_MS);
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Latency probes.

/** An NPS answer that flips the account's latest one (0 after a promoter, 10 after a detractor). */
function probeEvent(i) {
  const account = Math.floor(Math.random() * ACCOUNTS);
  const last = lastNps.get(account);
  const score = last ? (last.score >= 7 ? 0 : 10) : i % 2 === 0 ? 0 : 10;
  const occurredAt = new Date().toISOString();
  lastNps.set(account, { at: occurredAt, score });
  return customerEvent({
    account,
    call: 'track',
    event: 'Survey Responded',
    userId: `user-${account}-0`,
    properties: { survey: 'nps', score },
    occurredAt,
  });
}

/**
 * Sends probes at a steady rate and times each to the account.health.changed it caused. Our
 * consumer of cs.health.v1 is positioned at its end offsets before the first probe, so no answer
 * can be missed and none of the backlog's is read.
 */
async function measureLatency(kafka, admin, producer) {
  const sentAt = new Map();
  const latencies = [];
  const consumer = benchConsumer(kafka, `bench-scoring.probe.${randomUUID()}`);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [HEALTH_TOPIC], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = JSON.parse(message.value.toString());
        const sent =
          envelope.type === 'account.health.changed' ? sentAt.get(envelope.causationId) : undefined;
        if (sent === undefined) return;
        latencies.push(performance.now() - sent);
        sentAt.delete(envelope.causationId);
      },
    });
    // run() resolves once the group is joined; seeking now beats the first fetch's "latest".
    for (const [partition, offset] of await endOffsets(admin, HEALTH_TOPIC))
      consumer.seek({ topic: HEALTH_TOPIC, partition, offset: String(offset) });
    await sleep(1000);

    const count = Math.round(PROBE_RATE * PROBE_SECONDS);
    const sends = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await sleep(Math.max(0, started + (i * 1000) / PROBE_RATE - performance.now()));
      const envelope = probeEvent(i);
      if (i === 0) assertValid([envelope]);
      sentAt.set(envelope.id, performance.now());
      // Not awaited: a slow acknowledgement must not lower the rate; it shows in the latency.
      sends.push(producer.send({ topic: EVENTS_TOPIC, acks: -1, messages: [toMessage(envelope)] }));
    }
    await Promise.all(sends);
    // Stragglers get 15 s after the last probe.
    const deadline = performance.now() + 15_000;
    while (sentAt.size > 0 && performance.now() < deadline) await sleep(POLL_MS);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      sent: count,
      answered: sorted.length,
      p50: sorted.length ? percentile(sorted, 0.5) : null,
      p99: sorted.length ? percentile(sorted, 0.99) : null,
    };
  } finally {
    await consumer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// The report.

function report(results) {
  const { bare, scoring, latency } = results;
  const row = (name, ours, base = '', ratio = '') =>
    `| ${name} | ${fmt(ours ?? 'n/a')} | ${fmt(base)} | ${ratio} |`;
  const ratio = scoring ? (scoring.eventsPerSecond / bare.eventsPerSecond).toFixed(2) : '';
  const lines = [
    '| figure | health-scoring | bare kafkajs consumer | ratio |',
    '| --- | --- | --- | --- |',
    row('backlog drained: events/s', scoring?.eventsPerSecond ?? 'failed', bare.eventsPerSecond, ratio),
    row('backlog drained: s (from process start)', scoring?.seconds ?? 'failed', bare.seconds),
  ];
  if (scoring) {
    if (scoring.settledSeconds !== null) {
      lines.push(
        row(
          'backlog drained and its past rebuilt (backfill settled): events/s',
          scoring.settledEventsPerSecond,
          bare.eventsPerSecond,
          (scoring.settledEventsPerSecond / bare.eventsPerSecond).toFixed(2),
        ),
      );
      lines.push(row('backlog drained and its past rebuilt: s (from process start)', scoring.settledSeconds));
    }
    lines.push(row('start-up to /health/ready: s', scoring.readySeconds));
    lines.push(row('outbox empty (health changes published): s', scoring.publishedSeconds));
  }
  if (latency) {
    lines.push(row('event → account.health.changed p50 ms', latency.p50));
    lines.push(row('event → account.health.changed p99 ms', latency.p99));
    lines.push(
      row(
        `probes answered (${PROBE_RATE}/s for ${PROBE_SECONDS} s)`,
        `${latency.answered} / ${latency.sent}`,
      ),
    );
  }
  return [
    '## Health-scoring benchmark',
    '',
    `${new Date().toISOString()} — ${machine()}; ${fmt(EVENTS)} events for ${fmt(ACCOUNTS)} accounts on ${EVENTS_TOPIC} (12 partitions), consumer group ${GROUP}; Kafka, Postgres and the bench on the same cores.`,
    '',
    ...lines,
    '',
    `throughput ratio to the bare consumer: ${ratio || 'n/a'}`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run.

const results = {};
let service;
const clients = [];
try {
  log('infrastructure and build...');
  // A fresh broker each run: a crashed run's leftover would add its events to the backlog.
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(KAFKA_DIR, { recursive: true, force: true });
  const databaseUrl = await infra.ensurePostgres();
  const brokers = await infra.ensureKafka(BENCH_KAFKA);
  if (!process.env.BENCH_NO_BUILD) {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const build = spawnSync(tsc, ['-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  contracts = require('@tsuzuku/contracts');
  const db = await freshDatabase(databaseUrl, DATABASE);

  // Silent: a fresh broker makes kafkajs log errors it retries; real failures throw or crash (logged).
  const kafka = new Kafka({ clientId: 'bench-scoring', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  // Murmur2 on the key and idempotent, as EventPublisher: events land on the partitions they would in production.
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  // The probes are sent concurrently, which an idempotent kafkajs producer handles badly.
  const probeProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  clients.push(admin, producer, probeProducer);
  for (const client of clients) await client.connect();
  await createTopics(admin);

  log(`producing ${fmt(EVENTS)} events for ${fmt(ACCOUNTS)} accounts (not measured)...`);
  const produceSeconds = await produceBacklog(producer);
  const ends = await endOffsets(admin, EVENTS_TOPIC);
  log(`  ${fmt(total(ends))} events on ${ends.size} partitions in ${produceSeconds.toFixed(1)} s`);

  log('baseline: a bare kafkajs consumer drains the backlog...');
  results.bare = await measureBare(kafka, admin, ends);
  log(`  ${fmt(results.bare.eventsPerSecond)} events/s`);

  log(`starting health-scoring; waiting for ${GROUP} to commit the end of every partition...`);
  const port = await freePort();
  const started = performance.now();
  service = startBuiltService(
    'health-scoring',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db,
      KAFKA_BROKERS: brokers.join(','),
      LOG_LEVEL: 'warn',
      // The quiet time before a backfill settles: short, so that the wait for it measures the work.
      BACKFILL_SETTLE_MS: process.env.BENCH_SETTLE_MS ?? '2000',
    },
    { nodeArgs: process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.tsuzuku/prof'] : [] },
  );
  const tick = serviceCheck(service, `http://127.0.0.1:${port}`, started);
  const seconds = await waitForDrain({
    admin,
    groupId: GROUP,
    ends,
    started,
    timeoutMs: DRAIN_TIMEOUT_MS,
    tick,
  });
  const settledSeconds = await waitForSettled(db, started);
  const publishedSeconds = await waitForOutbox(db, started);
  results.scoring = {
    seconds,
    eventsPerSecond: total(ends) / seconds,
    settledSeconds,
    settledEventsPerSecond: settledSeconds === null ? null : total(ends) / settledSeconds,
    readySeconds: service.readySeconds,
    publishedSeconds,
  };
  log(`  ${fmt(results.scoring.eventsPerSecond)} events/s`);

  log(`latency: ${PROBE_RATE} NPS probes/s for ${PROBE_SECONDS} s...`);
  results.latency = await measureLatency(kafka, admin, probeProducer);
  if (results.latency.answered === 0)
    throw new Error(
      `no probe was answered by an account.health.changed on ${HEALTH_TOPIC} whose causationId is the probe's id`,
    );

  const text = report(results);
  console.log(`\n${text}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'scoring.md'), text);
  const { bare, scoring, latency } = results;
  writeFigures('scoring', 'Health scoring', [
    {
      figure: `backlog of ${fmt(EVENTS)} events drained: events/s`,
      value: scoring.eventsPerSecond,
      target: '>= 10,000',
      baseline: bare.eventsPerSecond,
      ratio: scoring.eventsPerSecond / bare.eventsPerSecond,
      baselineName: 'bare kafkajs consumer',
    },
    { figure: 'event → account.health.changed p50 ms', value: latency.p50, target: null },
    { figure: 'event → account.health.changed p99 ms', value: latency.p99, target: '<= 1,000' },
  ]);
} catch (error) {
  console.error(`\n[bench] FAILED: ${error.message}`);
  if (results.bare)
    console.error(`\nwhat was measured before the failure (not saved):\n\n${report(results)}`);
  process.exitCode = 1;
} finally {
  if (service) await stopBuiltService(service);
  for (const client of clients) await client.disconnect().catch(() => undefined);
  await infra.stopKafka(BENCH_KAFKA);
  rmSync(KAFKA_DIR, { recursive: true, force: true });
}
