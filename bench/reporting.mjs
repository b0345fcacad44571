#!/usr/bin/env node
// npm run bench:reporting — how fast the KPI report answers for a large workspace: 24 months of
// read models for 100,000 accounts, seeded directly (their MRR histories go through the
// service's own domain code: movements, account months, month totals), then the KPI query that
// GET /v1/reports/kpis and the gRPC GetKpis run (KpiService.kpis, without HTTP), timed p50/p95.
//
// Baselines in the same run, on the same database: the same query for a 1,000-account
// workspace seeded the same way, and a plain SELECT count(*) over the big workspace's account
// months (what one pass over the per-account rows costs; the report reads the month totals kept
// per workspace on write).
// Also measured, for the record: the query sliced by segment and owner, whose activity,
// survey and onboarding parts join each account to its end-of-month attribute version
// (account_attributes, by its key), and a page of movements listed for one segment (each joined
// to its account month).
//
// Then the read-model writer's cost per sign-in (Postgres CPU from /proc), against the same writer
// with every event claimed in the inbox (the baseline, in the same run).
//
// Knobs: BENCH_ACCOUNTS (100000), BENCH_SMALL_ACCOUNTS (1000), BENCH_QUERIES (200),
// BENCH_SLICED_QUERIES (20), BENCH_WRITER_EVENTS (60000), BENCH_DATABASE (tsuzuku_bench_reporting, dropped and created afresh),
// BENCH_NO_BUILD=1 skips the build. Postgres from DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/tsuzuku); no Kafka is needed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freshDatabase, machine, writeFigures, seededRandom, ROOT, infra, Client } from './common.mjs';

const require = createRequire(import.meta.url);

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const SMALL_ACCOUNTS = Number(process.env.BENCH_SMALL_ACCOUNTS ?? 1_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const SLICED_QUERIES = Number(process.env.BENCH_SLICED_QUERIES ?? 20);
const WRITER_EVENTS = Number(process.env.BENCH_WRITER_EVENTS ?? 60_000);
const MONTHS = 24;
const DATABASE = process.env.BENCH_DATABASE ?? 'tsuzuku_bench_reporting';
const BIG = 'bench-big';
const SMALL = 'bench-small';
const CHUNK = 10_000;
const DAY_MS = 86_400_000;

const log = (message) => console.log(`[bench] ${message}`);
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

const SEGMENTS = ['smb', 'mid-market', 'enterprise', 'startup'];
const TOUCH = ['high', 'low', 'tech'];
const PHASES = ['onboarding', 'adoption', 'expansion', 'renewal'];
const PLANS = [99, 249.5, 499, 1999, 7999];

/** The built domain and report code of the service (apps/reporting/dist). */
function load(file) {
  return require(path.join(ROOT, 'apps', 'reporting', 'dist', file));
}

/**
 * One account's subscription history over the 24 months: a start (40% in the first month),
 * then each month a chance of expansion, contraction, churn and, once churned, reactivation.
 */
function history(random, first, current, n) {
  const { monthStart } = load('kpis/domain/month.js');
  const start = random() < 0.4 ? first : first + Math.floor(random() * MONTHS);
  const dayIn = (month) =>
    monthStart(month) + Math.floor(random() * 27) * DAY_MS + Math.floor(random() * DAY_MS);
  const events = [];
  let seq = 0;
  let sub = 1;
  let mrr = PLANS[Math.floor(random() * PLANS.length)];
  const push = (kind, at, value) =>
    events.push({
      eventId: `e${n}-${seq++}`,
      subscriptionId: `s${n}-${sub}`,
      kind,
      at,
      mrr: Math.round(value * 1e6),
    });
  push('started', dayIn(start), mrr);
  let live = true;
  for (let month = start + 1; month <= current; month++) {
    const r = random();
    if (live) {
      if (r < 0.03) push('changed', dayIn(month), (mrr = Math.round(mrr * 1.2 * 100) / 100));
      else if (r < 0.05) push('changed', dayIn(month), (mrr = Math.round(mrr * 0.8 * 100) / 100));
      else if (r < 0.065) {
        push('cancelled', dayIn(month), 0);
        live = false;
      }
    } else if (r < 0.1) {
      sub++;
      push('started', dayIn(month), mrr);
      live = true;
    }
  }
  return { events, startedAt: events[0].at };
}

async function insertJson(client, sql, rows) {
  for (let i = 0; i < rows.length; i += CHUNK)
    await client.query(sql, [JSON.stringify(rows.slice(i, i + CHUNK))]);
}

/** Seeds one workspace's read models; answers how many account-month rows it has. */
async function seed(client, workspaceId, accounts, seedValue) {
  const { mrrMovements } = load('kpis/domain/mrr-movements.js');
  const { accountMonths } = load('kpis/domain/account-months.js');
  const { monthOf, monthDate } = load('kpis/domain/month.js');
  const { contributionOf, addTotals, zeroTotals, MRR_TOTAL_FIELDS } = load('kpis/domain/kpi-formulas.js');
  const { TOTAL_COLUMNS } = load('read-models/mrr.repository.js');
  const random = seededRandom(seedValue);
  const current = monthOf(Date.now());
  const first = current - MONTHS + 1;
  const totals = new Map();
  let monthRows = [];
  let movementRows = [];
  let accountRows = [];
  let attributeRows = [];
  let monthCount = 0;
  const flush = async (force) => {
    if (!force && monthRows.length < 50_000) return;
    await insertJson(
      client,
      `INSERT INTO reporting.account_months (workspace_id, account_id, month, segment, touch_model, phase, owner, plan,
         start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12)
       SELECT '${workspaceId}', a, m, s, t, p, o, '', "startMrr", "endMrr", "newMrr", "expansionMrr", "contractionMrr",
              "churnedMrr", "reactivationMrr", expansions, "startMrr12"
       FROM jsonb_to_recordset($1::jsonb) AS r(a text, m date, s text, t text, p text, o text, "startMrr" bigint,
         "endMrr" bigint, "newMrr" bigint, "expansionMrr" bigint, "contractionMrr" bigint, "churnedMrr" bigint,
         "reactivationMrr" bigint, expansions int, "startMrr12" bigint)`,
      monthRows,
    );
    await insertJson(
      client,
      `INSERT INTO reporting.mrr_movements (workspace_id, account_id, occurred_at, event_id, type, amount, from_mrr, to_mrr)
       SELECT '${workspaceId}', a, at, e, type, amount, "from", "to"
       FROM jsonb_to_recordset($1::jsonb) AS r(a text, at timestamptz, e text, type text, amount bigint, "from" bigint, "to" bigint)`,
      movementRows,
    );
    await insertJson(
      client,
      `INSERT INTO reporting.accounts (workspace_id, account_id, first_started_at, onboarding_completed_at, current_mrr,
         last_movement_at, derived_through)
       SELECT '${workspaceId}', a, "first", done, mrr, "last", through
       FROM jsonb_to_recordset($1::jsonb) AS r(a text, "first" timestamptz, done timestamptz, mrr bigint, "last" timestamptz, through date)`,
      accountRows,
    );
    await insertJson(
      client,
      `INSERT INTO reporting.attribute_changes (workspace_id, account_id, effective_at, event_id, source, segment, touch_model, phase, owner)
       SELECT '${workspaceId}', a, at, e, 'group', s, t, p, o
       FROM jsonb_to_recordset($1::jsonb) AS r(a text, at timestamptz, e text, s text, t text, p text, o text)`,
      attributeRows,
    );
    // The account's one attribute version, as the deriver writes it (valid since always).
    await insertJson(
      client,
      `INSERT INTO reporting.account_attributes (workspace_id, account_id, valid_from, valid_to, segment, touch_model, phase, owner, plan)
       SELECT '${workspaceId}', a, '-infinity', 'infinity', s, t, p, o, ''
       FROM jsonb_to_recordset($1::jsonb) AS r(a text, s text, t text, p text, o text)`,
      attributeRows,
    );
    monthRows = [];
    movementRows = [];
    accountRows = [];
    attributeRows = [];
  };
  for (let n = 0; n < accounts; n++) {
    const account = `acct-${n}`;
    const slice = {
      s: SEGMENTS[Math.floor(random() * SEGMENTS.length)],
      t: TOUCH[Math.floor(random() * TOUCH.length)],
      p: PHASES[Math.floor(random() * PHASES.length)],
      o: `csm-${Math.floor(random() * 40)}@bench.example`,
    };
    const { events, startedAt } = history(random, first, current, n);
    const movements = mrrMovements(events);
    for (const mv of movements)
      movementRows.push({
        a: account,
        at: new Date(mv.at).toISOString(),
        e: mv.eventId,
        type: mv.type,
        amount: mv.amount,
        from: mv.from,
        to: mv.to,
      });
    for (const row of accountMonths(movements, current)) {
      const month = monthDate(row.month);
      monthRows.push({ ...row, a: account, m: month, ...slice });
      monthCount++;
      const key = [month, slice.s, slice.t, slice.p, slice.o].join('|');
      const entry = totals.get(key) ?? { month, ...slice, totals: zeroTotals() };
      entry.totals = addTotals(entry.totals, contributionOf(row));
      totals.set(key, entry);
    }
    const r = random();
    const done =
      r < 0.6
        ? startedAt + (1 + Math.floor(random() * 20)) * DAY_MS
        : r < 0.7
          ? startedAt + 45 * DAY_MS
          : null;
    const last = movements[movements.length - 1];
    accountRows.push({
      a: account,
      first: new Date(startedAt).toISOString(),
      done: done === null ? null : new Date(done).toISOString(),
      mrr: last.to,
      last: new Date(last.at).toISOString(),
      through: monthDate(current),
    });
    attributeRows.push({ a: account, at: new Date(startedAt).toISOString(), e: `attr-${n}`, ...slice });
    await flush(false);
  }
  await flush(true);
  const columns = MRR_TOTAL_FIELDS.map((f) => TOTAL_COLUMNS[f]);
  await insertJson(
    client,
    `INSERT INTO reporting.month_totals (workspace_id, month, segment, touch_model, phase, owner, plan, ${columns.join(', ')})
     SELECT '${workspaceId}', month, s, t, p, o, '', ${MRR_TOTAL_FIELDS.map((f) => `"${f}"`).join(', ')}
     FROM jsonb_to_recordset($1::jsonb) AS r(month date, s text, t text, p text, o text,
       ${MRR_TOTAL_FIELDS.map((f) => `"${f}" bigint`).join(', ')})`,
    [...totals.values()].map((e) => ({ month: e.month, s: e.s, t: e.t, p: e.p, o: e.o, ...e.totals })),
  );
  // Activity: two users per paying account-month, active on pseudo-random days; a survey answer
  // from 3% of them. The workspace totals follow from the per-user rows, as on write.
  await client.query(
    `INSERT INTO reporting.activity_accounts (workspace_id, month, account_id)
     SELECT workspace_id, month, account_id FROM reporting.account_months WHERE workspace_id = $1 AND end_mrr > 0`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.activity_user_days (workspace_id, month, account_id, user_id, days)
     SELECT workspace_id, month, account_id, account_id || '-u' || u, (hashtext(account_id || month::text || u) & 1073741823) | 1
     FROM reporting.activity_accounts, generate_series(1, 2) AS u WHERE workspace_id = $1`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.activity_users (workspace_id, month, user_id, days)
     SELECT workspace_id, month, user_id, days FROM reporting.activity_user_days WHERE workspace_id = $1`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.activity_totals (workspace_id, month, active_accounts, users, user_days)
     SELECT $1, a.month, a.n, u.users, u.days
     FROM (SELECT month, count(*) AS n FROM reporting.activity_accounts WHERE workspace_id = $1 GROUP BY month) a
     JOIN (SELECT month, count(*) AS users, sum(bit_count(days::bit(32))) AS days
           FROM reporting.activity_users WHERE workspace_id = $1 GROUP BY month) u USING (month)`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.survey_responses (event_id, workspace_id, account_id, respondent, survey, score, occurred_at, month)
     SELECT 'sv-' || workspace_id || '-' || user_id || '-' || month, workspace_id, account_id, user_id,
            CASE WHEN h % 2 = 0 THEN 'nps' ELSE 'csat' END,
            CASE WHEN h % 2 = 0 THEN h % 11 ELSE 1 + h % 5 END, month + interval '14 days', month
     FROM (SELECT *, abs(hashtext(user_id || month::text)) AS h FROM reporting.activity_user_days WHERE workspace_id = $1) d
     WHERE h % 100 < 3`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.nps_latest (workspace_id, month, respondent, account_id, score, occurred_at, event_id)
     SELECT workspace_id, month, respondent, account_id, score, occurred_at, event_id
     FROM reporting.survey_responses WHERE workspace_id = $1 AND survey = 'nps'`,
    [workspaceId],
  );
  // The per-workspace month totals, as the writers keep them on write: MRR over every slice,
  // survey counts, and each account's onboarding count with the months' totals.
  await client.query(
    `INSERT INTO reporting.workspace_month_totals (workspace_id, month, ${columns.join(', ')})
     SELECT workspace_id, month, ${columns.map((c) => `sum(${c})`).join(', ')}
     FROM reporting.month_totals WHERE workspace_id = $1 GROUP BY workspace_id, month`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.survey_month_totals
       (workspace_id, month, nps_respondents, promoters, detractors, csat_responses, csat_satisfied)
     SELECT $1, month, sum(r), sum(p), sum(d), sum(c), sum(s) FROM (
       SELECT month, 1 AS r, (score >= 9)::int AS p, (score <= 6)::int AS d, 0 AS c, 0 AS s
       FROM reporting.nps_latest WHERE workspace_id = $1
       UNION ALL
       SELECT month, 0, 0, 0, 1, (score >= 4)::int FROM reporting.survey_responses WHERE workspace_id = $1 AND survey = 'csat'
     ) x GROUP BY month`,
    [workspaceId],
  );
  await client.query(
    `UPDATE reporting.accounts
     SET onboarding_month = date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date,
         onboarding_completed = coalesce(onboarding_completed_at <= first_started_at + interval '720 hours', false)
     WHERE workspace_id = $1 AND first_started_at IS NOT NULL`,
    [workspaceId],
  );
  await client.query(
    `INSERT INTO reporting.onboarding_month_totals (workspace_id, month, started, completed)
     SELECT workspace_id, onboarding_month, count(*), count(*) FILTER (WHERE onboarding_completed)
     FROM reporting.accounts WHERE workspace_id = $1 AND onboarding_month IS NOT NULL GROUP BY workspace_id, onboarding_month`,
    [workspaceId],
  );
  return monthCount;
}

async function time(run, count) {
  for (let i = 0; i < Math.min(10, count); i++) await run();
  const samples = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: samples[samples.length - 1], count };
}

/** A fresh database `name` with reporting's migrations applied (the built migrate.js); answers its URL. */
async function migratedDatabase(databaseUrl, name) {
  const db = await freshDatabase(databaseUrl, name);
  const migrate = spawnSync(
    process.execPath,
    [path.join(ROOT, 'apps', 'reporting', 'dist', 'database', 'migrate.js'), 'migrate'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: db, LOG_LEVEL: 'warn' }, stdio: 'inherit' },
  );
  if (migrate.status !== 0) throw new Error('the migrations failed');
  return db;
}

/** CPU ticks (1/100 s) of each Postgres server process now, by pid (/proc). */
function postgresTicks() {
  const ticks = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while being read.
    }
  }
  return ticks;
}

/**
 * The CPU time (ms) Postgres used since `before` (postgresTicks): what each process still running
 * used since then. A process that ended in between is not counted (an undercount, never negative).
 */
function postgresCpuMsSince(before) {
  let ticks = 0;
  for (const [pid, now] of postgresTicks()) ticks += now - (before.get(pid) ?? 0);
  return ticks * 10;
}

/**
 * The read-model writer's cost per sign-in: WRITER_EVENTS sign-ins of 1,000 accounts applied
 * through ReadModelWriter in runs of 500 on a freshly migrated database (the first 5,000 warm it
 * up). `claimAll` has every event claimed in the inbox, as before activity-only events were
 * applied without a claim: the baseline of the same run.
 */
async function writerCost(databaseUrl, claimAll) {
  const { DataSource } = require('typeorm');
  const rows = load('read-models/domain/event-rows.js');
  const original = rows.isActivityOnly;
  if (claimAll) rows.isActivityOnly = () => false;
  const db = await migratedDatabase(databaseUrl, `${DATABASE}_writer`);
  const ds = new DataSource({ type: 'postgres', url: db, extra: { max: 4 } });
  await ds.initialize();
  try {
    const { CurrencySettingsStore } = load('settings/currency-settings.store.js');
    const { CurrencySettingsRepository } = load('settings/currency-settings.repository.js');
    const { MrrRepository } = load('read-models/mrr.repository.js');
    const { AttributesRepository } = load('read-models/attributes.repository.js');
    const { ReadModelWriter } = load('read-models/read-model.writer.js');
    const { MrrDeriver } = load('read-models/mrr.deriver.js');
    const { ActivityRecorder } = load('read-models/activity.recorder.js');
    const { ActivityRepository } = load('read-models/activity.repository.js');
    const { BandChangesRepository } = load('read-models/band-changes.repository.js');
    const { AlertsRepository } = load('read-models/alerts.repository.js');
    const { PlaybookRunsRepository } = load('read-models/playbook-runs.repository.js');
    const { SurveysRepository } = load('read-models/surveys.repository.js');
    const { AccountOutlookRepository } = load('read-models/account-outlook.repository.js');
    const settings = new CurrencySettingsStore(ds, new CurrencySettingsRepository());
    const mrr = new MrrRepository(ds);
    const attributes = new AttributesRepository();
    const writer = new ReadModelWriter(
      ds,
      new MrrDeriver(settings, mrr, attributes),
      new ActivityRecorder(new ActivityRepository()),
      attributes,
      new BandChangesRepository(ds),
      new AlertsRepository(ds),
      new PlaybookRunsRepository(ds),
      new SurveysRepository(),
      mrr,
      new AccountOutlookRepository(),
    );
    const start = Date.parse('2026-12-01T00:00:00.000Z');
    const signIn = (i) => {
      const id = randomUUID();
      const at = new Date(start + i * 20).toISOString();
      return {
        specVersion: 1,
        id,
        type: 'customer.event.recorded',
        workspaceId: 'bench-writer',
        accountId: `acct-${i % 1000}`,
        occurredAt: at,
        producedAt: at,
        source: 'bench',
        correlationId: id,
        causationId: null,
        data: {
          call: 'track',
          messageId: id,
          event: 'Signed In',
          userId: `user-${i % 3000}`,
          anonymousId: null,
          properties: {},
          traits: {},
          context: {},
          timestamp: at,
          receivedAt: at,
          sentAt: null,
          originalTimestamp: null,
        },
      };
    };
    const events = Array.from({ length: WRITER_EVENTS }, (_, i) => signIn(i));
    for (let i = 0; i < 5000; i += 500) await writer.apply(events.slice(i, i + 500));
    const cpu = postgresTicks();
    const node = process.cpuUsage();
    const began = performance.now();
    for (let i = 5000; i < events.length; i += 500) await writer.apply(events.slice(i, i + 500));
    const n = events.length - 5000;
    const used = process.cpuUsage(node);
    return {
      wallUs: ((performance.now() - began) * 1000) / n,
      postgresUs: (postgresCpuMsSince(cpu) * 1000) / n,
      nodeUs: (used.user + used.system) / n,
    };
  } finally {
    rows.isActivityOnly = original;
    await ds.destroy();
  }
}

let dataSource;
try {
  log('Postgres and build...');
  const databaseUrl = await infra.ensurePostgres();
  if (!process.env.BENCH_NO_BUILD) {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const build = spawnSync(tsc, ['-b', 'apps/reporting/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  // First, while nothing else runs on the database server.
  log(
    `read-model writer: ${fmt(WRITER_EVENTS)} sign-ins, every event claimed (baseline), then as the service runs...`,
  );
  const writerClaimAll = await writerCost(databaseUrl, true);
  const writer = await writerCost(databaseUrl, false);

  const db = await migratedDatabase(databaseUrl, DATABASE);

  const client = new Client({ connectionString: db });
  await client.connect();
  const seeded = {};
  for (const [ws, accounts, seedValue] of [
    [BIG, ACCOUNTS, 20261123],
    [SMALL, SMALL_ACCOUNTS, 7],
  ]) {
    const started = performance.now();
    log(`seeding ${fmt(accounts)} accounts over ${MONTHS} months into ${ws}...`);
    const monthRows = await seed(client, ws, accounts, seedValue);
    seeded[ws] = { accounts, monthRows, seconds: (performance.now() - started) / 1000 };
    log(`  ${fmt(monthRows)} account months in ${seeded[ws].seconds.toFixed(1)} s`);
  }
  await client.query('VACUUM ANALYZE');
  const sizes = (
    await client.query(
      `SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'reporting' ORDER BY n_live_tup DESC LIMIT 8`,
    )
  ).rows;
  await client.end();

  const { DataSource } = require('typeorm');
  dataSource = new DataSource({ type: 'postgres', url: db, extra: { max: 10 } });
  await dataSource.initialize();
  const { KpiService } = load('reports/kpi.service.js');
  const { KpiRepository } = load('reports/kpi.repository.js');
  const { MovementsRepository } = load('reports/movements.repository.js');
  const { CurrencySettingsStore } = load('settings/currency-settings.store.js');
  const { CurrencySettingsRepository } = load('settings/currency-settings.repository.js');
  const { SliceValuesRepository } = load('reports/slice-values.repository.js');
  const { monthOf } = load('kpis/domain/month.js');
  const clock = { now: () => new Date() };
  const kpis = new KpiService(
    new KpiRepository(dataSource),
    new MovementsRepository(dataSource),
    new CurrencySettingsStore(dataSource, new CurrencySettingsRepository()),
    clock,
    new SliceValuesRepository(dataSource),
  );
  const to = monthOf(Date.now());
  const from = to - MONTHS + 1;

  // The answer is checked once, so that a broken query cannot look fast.
  const sample = await kpis.kpis(BIG, from, to, {});
  const last = sample.months[sample.months.length - 1];
  if (sample.months.length !== MONTHS || !(last.endMrr > 0) || !(last.mau > 0))
    throw new Error(`unexpected KPI answer: ${JSON.stringify(last)}`);
  const first = sample.months[0];

  const results = { writer, writerClaimAll };
  log(`KPI query, ${MONTHS} months, ${fmt(ACCOUNTS)} accounts (${QUERIES} runs)...`);
  results.big = await time(() => kpis.kpis(BIG, from, to, {}), QUERIES);
  log(`  p50 ${results.big.p50.toFixed(1)} ms, p95 ${results.big.p95.toFixed(1)} ms`);
  log(`baseline: the same query, ${fmt(SMALL_ACCOUNTS)} accounts...`);
  results.small = await time(() => kpis.kpis(SMALL, from, to, {}), QUERIES);
  log(`baseline: SELECT count(*) over the ${fmt(ACCOUNTS)} accounts' account months...`);
  results.count = await time(
    () => dataSource.query('SELECT count(*) FROM reporting.account_months WHERE workspace_id = $1', [BIG]),
    Math.min(QUERIES, 50),
  );
  log(`sliced by segment and owner (${SLICED_QUERIES} runs)...`);
  results.sliced = await time(
    () => kpis.kpis(BIG, from, to, { segment: 'smb', owner: 'csm-7@bench.example' }),
    SLICED_QUERIES,
  );

  log(`movements listed, sliced by segment (${SLICED_QUERIES} runs)...`);
  results.movements = await time(
    () => kpis.movements(BIG, from, to, { detail: true, limit: 1000, filter: { segment: 'smb' } }),
    SLICED_QUERIES,
  );

  log(
    `read-model writer: ${fmt(WRITER_EVENTS)} sign-ins, every event claimed (baseline), then as the service runs...`,
  );
  results.writerClaimAll = await writerCost(databaseUrl, true);
  results.writer = await writerCost(databaseUrl, false);

  const row = (name, r, base) =>
    `| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.count} | ${base ? (r.p95 / base.p95).toFixed(2) : ''} |`;
  const text = [
    '## Reporting benchmark',
    '',
    `${new Date().toISOString()} — ${machine()}; Postgres and the bench on the same cores. Read models seeded directly ` +
      `(MRR histories through the service's domain code): ${fmt(ACCOUNTS)} accounts (${fmt(seeded[BIG].monthRows)} account months) ` +
      `and ${fmt(SMALL_ACCOUNTS)} accounts (${fmt(seeded[SMALL].monthRows)}), ${MONTHS} months ending ${sample.to}. ` +
      `Timed: KpiService.kpis (the query behind GET /v1/reports/kpis and gRPC GetKpis, without HTTP), sequentially.`,
    '',
    `| query | p50 ms | p95 ms | max ms | runs | p95 ratio to the ${fmt(SMALL_ACCOUNTS)}-account query |`,
    '| --- | --- | --- | --- | --- | --- |',
    row(`KPIs, ${MONTHS} months, ${fmt(ACCOUNTS)} accounts`, results.big, results.small),
    row(`baseline: KPIs, ${MONTHS} months, ${fmt(SMALL_ACCOUNTS)} accounts`, results.small, results.small),
    row(
      `baseline: SELECT count(*) of ${fmt(ACCOUNTS)} accounts' account months`,
      results.count,
      results.small,
    ),
    row(`KPIs sliced by segment and owner, ${fmt(ACCOUNTS)} accounts`, results.sliced, results.small),
    row(
      `MRR movements, detail=true&segment=smb, a page of 1,000, ${fmt(ACCOUNTS)} accounts`,
      results.movements,
      results.small,
    ),
    '',
    `targets: p95 ≤ 60 ms for the KPI query on ${fmt(ACCOUNTS)} accounts — ${results.big.p95 <= 60 ? 'met' : 'NOT met'} (${results.big.p95.toFixed(1)} ms); ` +
      `p95 ≤ 150 ms sliced by segment and owner — ${results.sliced.p95 <= 150 ? 'met' : 'NOT met'} (${results.sliced.p95.toFixed(1)} ms).`,
    '',
    `Read-model writer, ${fmt(WRITER_EVENTS - 5000)} sign-ins in runs of 500 (µs per event; baseline: every event claimed in the inbox): ` +
      `Postgres CPU ${results.writer.postgresUs.toFixed(1)} (baseline ${results.writerClaimAll.postgresUs.toFixed(1)}, ratio ${(results.writer.postgresUs / results.writerClaimAll.postgresUs).toFixed(2)}), ` +
      `wall ${results.writer.wallUs.toFixed(1)} (baseline ${results.writerClaimAll.wallUs.toFixed(1)}), writer's Node CPU ${results.writer.nodeUs.toFixed(1)} (baseline ${results.writerClaimAll.nodeUs.toFixed(1)}).`,
    '',
    `answer checked: ${first.month} endMrr ${fmt(first.endMrr)}, ${last.month} endMrr ${fmt(last.endMrr)}, MAU ${fmt(last.mau)}, NRR ${last.nrr?.toFixed(3)}.`,
    `largest tables: ${sizes.map((s) => `${s.relname} ${fmt(Number(s.n_live_tup))}`).join(', ')}.`,
    '',
  ].join('\n');
  console.log(`\n${text}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'reporting.md'), text);
  writeFigures('reporting', 'Reporting', [
    {
      figure: `KPI query, ${MONTHS} months, ${fmt(ACCOUNTS)} accounts: p50 ms`,
      value: results.big.p50,
      target: null,
    },
    {
      figure: `KPI query, ${MONTHS} months, ${fmt(ACCOUNTS)} accounts: p95 ms`,
      value: results.big.p95,
      target: '<= 60',
      baseline: results.small.p95,
      ratio: results.big.p95 / results.small.p95,
      baselineName: `the same query, ${fmt(SMALL_ACCOUNTS)} accounts`,
    },
    {
      figure: `SELECT count(*) of ${fmt(ACCOUNTS)} accounts' account months: p95 ms`,
      value: results.count.p95,
      target: null,
    },
    {
      figure: `KPI query sliced by segment and owner, ${fmt(ACCOUNTS)} accounts: p95 ms`,
      value: results.sliced.p95,
      target: '<= 150',
      baseline: results.small.p95,
      ratio: results.sliced.p95 / results.small.p95,
      baselineName: `the unsliced query, ${fmt(SMALL_ACCOUNTS)} accounts`,
    },
    {
      figure: 'read-model writer, sign-ins: Postgres CPU µs per event',
      value: results.writer.postgresUs,
      target: null,
      baseline: results.writerClaimAll.postgresUs,
      ratio: results.writer.postgresUs / results.writerClaimAll.postgresUs,
      baselineName: 'every event claimed in the inbox',
    },
    {
      figure: `MRR movements listed by segment (a page of 1,000), ${fmt(ACCOUNTS)} accounts: p95 ms`,
      value: results.movements.p95,
      target: null,
    },
  ]);
} catch (error) {
  console.error(`\n[bench] FAILED: ${error.stack ?? error.message}`);
  process.exitCode = 1;
} finally {
  await dataSource?.destroy();
}
