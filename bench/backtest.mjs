#!/usr/bin/env node
// npm run bench:backtest — how fast POST /v1/scorecards/{id}/backtest answers for a large
// workspace: BENCH_ACCOUNTS accounts (10,000) with BENCH_MONTHS months (24) of daily score history
// points carrying their metric values, seeded directly in SQL, and a churn for about 30 % of them
// (their usage and sentiment falling over the 120 days before it). Timed: BacktestService.backtest
// (what the endpoint runs, without HTTP) on the default DEAR measures, churn over the last 12
// months at a 90-day horizon, then the same with compareWith (two scorecards on one sample), and
// suggested weights. Target: the backtest within 5 s.
//
// Also timed: the workspace's churn model trained on the same history (the values on the days it
// reads, then the fit with its cross-validation and holdout), and the memory that took.
//
// Knobs: BENCH_ACCOUNTS (10000), BENCH_MONTHS (24), BENCH_RUNS (5), BENCH_NO_BUILD=1 skips the
// build, BENCH_NO_FIGURES=1 writes no bench/results file (for a small run that checks the script),
// BENCH_REUSE=1 keeps the database of the previous run when it holds the same seed (no seeding).
// Postgres from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tsuzuku); no Kafka.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freshDatabase, writeFigures, ROOT, infra, Client } from './common.mjs';

const require = createRequire(import.meta.url);

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const MONTHS = Number(process.env.BENCH_MONTHS ?? 24);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DATABASE = 'tsuzuku_bench_backtest';
const WS = 'bench-backtest';
const END = '2026-11-30';
const CHUNK = 250;
const DAY_MS = 86_400_000;

const log = (message) => console.log(`[bench] ${message}`);
const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);
const load = (file) => require(path.join(ROOT, 'apps', 'health-scoring', 'dist', file));

const start = dayOf(Date.parse(`${END}T00:00:00Z`) - Math.round(MONTHS * 30.44) * DAY_MS);

/**
 * Seeds accounts [first, last]: a subscription from `start`; a churn on a pseudo-random day for
 * 30 % of them; a history point per day (18:00 UTC) up to the churn or the end, whose values drift
 * per account and fall over the 120 days before a churn.
 */
async function seed(client, first, last) {
  await client.query(
    `INSERT INTO health_scoring.accounts (workspace_id, account_id, first_seen_at, subscriptions)
     SELECT $1, 'a' || n, $4::date, '{"s": {"active": true, "at": "2000-01-01T00:00:00.000Z"}}'::jsonb
     FROM generate_series($2::int, $3::int) AS n`,
    [WS, first, last, start],
  );
  // churn_day: null for 70 %; otherwise a day from the 60th after the start to the end.
  const accounts = `
    SELECT n, 'a' || n AS account_id,
      CASE WHEN abs(hashtext('c' || n)) % 100 < 30
        THEN $4::date + 60 + abs(hashtext('d' || n)) % ($5::date - $4::date - 60) END AS churn_day,
      (abs(hashtext('u' || n)) % 1000) / 1000.0 AS level
    FROM generate_series($2::int, $3::int) AS n`;
  await client.query(
    `INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
     SELECT $1, account_id, account_id || '-start', $4::date + time '09:00', 'Subscription Started', '{"subscription_id": "s"}'::jsonb
     FROM (${accounts}) a
     UNION ALL
     SELECT $1, account_id, account_id || '-cancel', churn_day + time '09:00', 'Subscription Cancelled', '{"subscription_id": "s"}'::jsonb
     FROM (${accounts}) a WHERE churn_day IS NOT NULL`,
    [WS, first, last, start, END],
  );
  await client.query(
    `INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, band, computed_score, coverage, reason, measures)
     SELECT $1, a.account_id, d + time '18:00', 50, 'yellow', 50, 1, 'bench',
       jsonb_build_object(
         'active_users_ratio_30d', round((f * 0.9 + 0.1 * w)::numeric, 3),
         'sign_ins_7d', floor(f * 30 * w),
         'sign_ins_30d', floor(f * 120 * w),
         'days_since_last_sign_in', floor((1 - f) * 20 * w),
         'key_features_adopted', round((f * 0.8 + 0.2 * w)::numeric, 3),
         'onboarding_completion', round(least(1, a.level + 0.3)::numeric, 3),
         'open_tickets_30d', floor((1 - f) * 5 * w),
         'p1_tickets_30d', floor((1 - f) * 2 * w),
         'latest_nps', floor(f * 10),
         'avg_csat_90d', round((1 + f * 4)::numeric, 2),
         'mrr_change_90d', round(((f - 0.5) * 0.4)::numeric, 3),
         'engagement_events_90d', floor(f * 6 * w),
         'outcomes_reported_90d', floor(f * 4 * w))
     FROM (${accounts}) a
     CROSS JOIN LATERAL generate_series($4::date, coalesce(a.churn_day - 1, $5::date), interval '1 day') AS g(d)
     CROSS JOIN LATERAL (SELECT
       -- Health: the account's level, a slow wave, and a fall over the 120 days before its churn.
       greatest(0, least(1, a.level * 0.7 + 0.15 + 0.1 * sin(extract(epoch FROM d) / 2592000.0 + a.n)
         - CASE WHEN a.churn_day IS NOT NULL AND a.churn_day - d::date < 120
             THEN 0.5 * (120 - (a.churn_day - d::date)) / 120.0 ELSE 0 END)) AS f,
       -- Noise per day.
       0.75 + 0.5 * ((abs(hashtext(a.account_id || d::text)) % 1000) / 1000.0) AS w) x`,
    [WS, first, last, start, END],
  );
}

async function time(run) {
  const samples = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    last = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor((samples.length - 1) / 2)], max: samples[samples.length - 1], last };
}

let dataSource;
try {
  log('Postgres and build...');
  const databaseUrl = await infra.ensurePostgres();
  if (!process.env.BENCH_NO_BUILD) {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const build = spawnSync(tsc, ['-b', 'apps/health-scoring/tsconfig.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('the build failed');
  }
  const db = process.env.BENCH_REUSE
    ? databaseUrl.replace(/\/[^/]*$/, `/${DATABASE}`)
    : await freshDatabase(databaseUrl, DATABASE);
  if (!process.env.BENCH_REUSE) {
    const migrate = spawnSync(
      process.execPath,
      [path.join(ROOT, 'apps', 'health-scoring', 'dist', 'database', 'migrate.js'), 'migrate'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db, LOG_LEVEL: 'warn' }, stdio: 'inherit' },
    );
    if (migrate.status !== 0) throw new Error('the migrations failed');

    const client = new Client({ connectionString: db });
    await client.connect();
    log(`seeding ${ACCOUNTS} accounts × ${MONTHS} months of daily points from ${start} to ${END}...`);
    const seeding = performance.now();
    for (let first = 1; first <= ACCOUNTS; first += CHUNK)
      await seed(client, first, Math.min(ACCOUNTS, first + CHUNK - 1));
    await client.query('ANALYZE health_scoring.score_history');
    const [{ points }] = (
      await client.query(
        'SELECT count(*)::int AS points FROM health_scoring.score_history WHERE workspace_id = $1',
        [WS],
      )
    ).rows;
    log(
      `seeded ${points.toLocaleString('en-US')} history points in ${Math.round((performance.now() - seeding) / 1000)} s`,
    );
    await client.end();
  } else {
    log(`reusing ${DATABASE} as seeded by the previous run`);
    const client = new Client({ connectionString: db });
    await client.connect();
    // The scorecards of the previous run go: this one creates its own.
    await client.query('DELETE FROM health_scoring.scorecards WHERE workspace_id = $1', [WS]);
    await client.end();
  }

  const { DataSource } = require('typeorm');
  dataSource = new DataSource({ type: 'postgres', url: db, extra: { max: 10 } });
  await dataSource.initialize();
  const { ScorecardsService } = load('scorecards/scorecards.service.js');
  const { ScorecardRepository } = load('scorecards/scorecard.repository.js');
  const { defaultMeasures, DEFAULT_SCORECARD_BANDS } = load('scorecards/domain/default-scorecard.js');
  const { PredictionsRepository } = load('predictions/predictions.repository.js');
  const { BacktestService } = load('predictions/backtest.service.js');
  const relay = { onNotification: () => undefined };
  const scorecards = new ScorecardsService(
    dataSource,
    new ScorecardRepository(dataSource),
    { WORKSPACE_CACHE_TTL_MS: 60_000 },
    relay,
  );
  const clock = { now: () => new Date(`${END}T12:00:00Z`) };
  const backtests = new BacktestService(scorecards, new PredictionsRepository(dataSource), clock);
  const published = await scorecards.create(WS, {
    name: 'DEAR',
    segment: 'bench',
    touchModel: null,
    draft: false,
    measures: defaultMeasures(),
    bands: DEFAULT_SCORECARD_BANDS,
  });
  const draft = await scorecards.create(WS, {
    name: 'engagement only',
    segment: null,
    touchModel: null,
    draft: true,
    measures: defaultMeasures().filter((m) => m.category === 'engagement'),
    bands: DEFAULT_SCORECARD_BANDS,
  });
  const period = {
    from: dayOf(Date.parse(`${END}T00:00:00Z`) - 364 * DAY_MS),
    to: END,
    horizonDays: 90,
    outcome: 'churn',
  };
  log(`backtest of churn ${period.from}..${period.to}, ${RUNS} runs each...`);
  const one = await time(() => backtests.backtest(WS, published.id, period));
  log(
    `backtest: p50 ${Math.round(one.p50)} ms, max ${Math.round(one.max)} ms; sample ${JSON.stringify(one.last.sample)}; AUC ${one.last.result.auc?.toFixed(3)}`,
  );
  const two = await time(() => backtests.backtest(WS, published.id, { ...period, compareWith: draft.id }));
  log(
    `backtest with compareWith: p50 ${Math.round(two.p50)} ms; AUC ${two.last.comparison?.auc?.toFixed(3)}`,
  );
  const fit = await time(() => backtests.suggestedWeights(WS, published.id, period));
  log(
    `suggested weights: p50 ${Math.round(fit.p50)} ms; CV AUC ${fit.last.crossValidation.meanAuc?.toFixed(3)}`,
  );

  const { churnModelDays, trainChurnModel, trainingPlan } = load('predictions/domain/churn-model.js');
  const { CHURN_MODEL_METRICS, CHURN_MODEL_LOG_SCALED } = load('predictions/domain/churn-risk.js');
  const historyFrom = dayOf(Date.parse(`${END}T00:00:00Z`) - 730 * DAY_MS);
  const rssBefore = process.memoryUsage().rss;
  const reading = performance.now();
  // As the service does: a large workspace is fitted on a fixed sample of its accounts.
  const everyone = (
    await dataSource.query(
      'SELECT account_id FROM health_scoring.accounts WHERE workspace_id = $1 ORDER BY account_id',
      [WS],
    )
  ).map((r) => r.account_id);
  const plan = trainingPlan(everyone, historyFrom, END);
  const sample = plan.accountIds;
  const timelines = await new PredictionsRepository(dataSource).timelinesOnDays(
    WS,
    churnModelDays(historyFrom, END, plan.everyDays),
    CHURN_MODEL_METRICS,
    { from: historyFrom, to: END },
    END,
    sample,
  );
  const readMs = performance.now() - reading;
  const fitting = performance.now();
  const model = trainChurnModel({
    timelines,
    measures: CHURN_MODEL_METRICS,
    logScaled: CHURN_MODEL_LOG_SCALED,
    cutoff: END,
    from: historyFrom,
    everyDays: plan.everyDays,
  });
  const fitMs = performance.now() - fitting;
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  log(
    `churn model: read ${Math.round(readMs)} ms, fit ${Math.round(fitMs)} ms (${sample.length} of ${everyone.length} accounts every ${plan.everyDays} days, ${model.examples} examples, ` +
      `holdout AUC ${model.kind === 'model' ? model.holdoutAuc?.toFixed(3) : model.reason}); resident memory +${Math.round(rssGrowth)} MiB`,
  );

  if (!process.env.BENCH_NO_FIGURES)
    writeFigures('backtest', 'Backtest', [
      {
        figure: `backtest, ${ACCOUNTS.toLocaleString('en-US')} accounts × ${MONTHS} months: p50 ms`,
        value: one.p50,
        target: '<= 5000',
      },
      { figure: 'backtest with compareWith: p50 ms', value: two.p50, target: null },
      { figure: 'suggested weights: p50 ms', value: fit.p50, target: null },
      { figure: 'churn model training, values read: ms', value: readMs, target: null },
      {
        figure: 'churn model training, fit with cross-validation and holdout: ms',
        value: fitMs,
        target: null,
      },
    ]);
} finally {
  await dataSource?.destroy();
}
