#!/usr/bin/env node
// npm run demo [-- --exit] [-- --accounts N --months M --seed S]: the main job. Starts the local
// infrastructure and the five services, creates a demo workspace, sends a generated SaaS customer
// base through the ingestion API with the Segment SDK, waits until every consumer has caught up,
// and prints what Tsuzuku made of it. Serves until Ctrl-C; with --exit it stops after printing,
// with a non-zero status if any stage failed.
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, ensureProjectNode, build, LocalStack } from './stack.mjs';

ensureProjectNode();

const require = createRequire(import.meta.url);
let args;
try {
  ({ values: args } = parseArgs({
    options: {
      exit: { type: 'boolean', default: false },
      accounts: { type: 'string', default: '300' },
      months: { type: 'string', default: '12' },
      seed: { type: 'string', default: '42' },
    },
  }));
} catch (error) {
  console.error(`${error.message}\nusage: npm run demo -- [--exit] [--accounts N] [--months M] [--seed S]`);
  process.exit(2);
}
const wholeNumber = (name, min) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min} (got "${args[name]}")`);
    process.exit(2);
  }
  return n;
};
const options = {
  accounts: wholeNumber('accounts', 1),
  months: wholeNumber('months', 2),
  seed: wholeNumber('seed', 0),
};

const stack = new LocalStack();

let current = 'start';
const stage = (name) => {
  current = name;
  console.log(`\n== ${name}`);
};
const started = Date.now();
try {
  stage('infrastructure: Postgres and a local Kafka');
  const { brokers, databaseUrl } = await stack.up();
  const env = stack.env();
  console.log(`Kafka ${brokers.join(',')}; Postgres ${databaseUrl}`);
  stage('build');
  build();
  stage('services');
  const logs = [];
  stack.startServices({ sink: (line) => logs.push(line), pretty: false });
  const ms = await stack.waitUntilReady().catch((error) => {
    console.error(logs.slice(-40).join('\n'));
    throw error;
  });
  console.log(`all five services ready in ${(ms / 1000).toFixed(1)} s`);

  const flow = require(path.join(ROOT, 'libs/demo/dist/demo-flow.js'));
  const { generateCustomerBase } = require(path.join(ROOT, 'libs/demo/dist/customer-base.js'));
  const { PIPELINE_CONSUMER_GROUPS } = require(path.join(ROOT, 'libs/demo/dist/pipeline.js'));
  const url = (name) => `http://127.0.0.1:${stack.running.find((s) => s.name === name).port}`;
  const endpoints = {
    ingestion: url('ingestion'),
    healthScoring: url('health-scoring'),
    alerting: url('alerting'),
    playbooks: url('playbooks'),
    reporting: url('reporting'),
  };

  stage('demo workspace');
  const workspaceName = `demo-seed${options.seed}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
  const { createWorkspaceWithCli } = require(path.join(ROOT, 'libs/demo/dist/workspace-cli.js'));
  const { DEMO_DEFAULT_OWNER } = require(path.join(ROOT, 'libs/demo/dist/demo-flow.js'));
  const { healthScoring, alerting, playbooks, reporting } = endpoints;
  const workspace = await createWorkspaceWithCli(
    workspaceName,
    { ...env, LOG_LEVEL: 'warn' },
    [healthScoring, alerting, playbooks, reporting],
    // Alerts and tasks of accounts without a CSM (the small ones) go to the CS team.
    { timeoutMs: 30_000, fallbackOwner: DEMO_DEFAULT_OWNER },
  );
  const token = workspace.token;
  console.log(`workspace ${workspaceName} (${workspace.workspaceId})`);

  stage(`customer base: ${options.accounts} accounts over ${options.months} months, seed ${options.seed}`);
  const now = new Date();
  const base = generateCustomerBase({ ...options, now });
  const trajectories = {};
  for (const a of base.accounts) trajectories[a.trajectory] = (trajectories[a.trajectory] ?? 0) + 1;
  console.log(
    `${base.calls.length.toLocaleString('en-US')} calls; ${Object.entries(trajectories)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );
  await flow.configureDemoWorkspace(endpoints, token, base);

  stage('sending through the ingestion API (Segment SDK, /v1/import)');
  const { SingleBar, Presets } = require('cli-progress');
  const bar = new SingleBar(
    {
      format: '  {bar} {percentage}% | {value}/{total} calls | {rate}/s',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    Presets.shades_classic,
  );
  const sendStarted = Date.now();
  bar.start(base.calls.length, 0, { rate: 0 });
  await flow.sendCustomerBase(endpoints.ingestion, workspace.writeKey, base.calls, (sent) =>
    bar.update(sent, { rate: Math.round(sent / ((Date.now() - sendStarted) / 1000)) }),
  );
  bar.stop();
  console.log(`sent in ${((Date.now() - sendStarted) / 1000).toFixed(1)} s`);

  stage('waiting for every consumer to catch up (lag zero)');
  const caughtUp = await flow.waitForCatchUp(brokers, PIPELINE_CONSUMER_GROUPS, {
    onLag: (lag) => lag > 0 && process.stdout.write(`\r  lag ${String(lag).padEnd(10)}`),
  });
  await flow.waitForSettled(endpoints, token);
  console.log(`\r  caught up in ${(caughtUp / 1000).toFixed(1)} s        `);

  stage('report');
  const report = await flow.collectDemoReport(endpoints, token, { now, months: 6 });
  printReport(report);
  stage('predictions: backtest, fitted model, churn model and renewal forecast');
  const { collectPredictionReport } = require(path.join(ROOT, 'libs/demo/dist/prediction-report.js'));
  printPredictions(await collectPredictionReport(endpoints, token, { now, months: options.months }));
  stack.printEndpoints();
  console.log(`demo finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (args.exit) await stack.shutdown(0);
  else console.log('Serving until Ctrl-C.');
} catch (error) {
  console.error(`\ndemo failed at stage "${current}": ${error.message}`);
  await stack.shutdown(1);
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padStart(widths[i])).join('  ');
  console.log(`  ${line(headers)}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}

function printReport(report) {
  const money = (n) => (n === null || n === undefined ? '—' : Math.round(Number(n)).toLocaleString('en-US'));
  const pct = (n) => (n === null || n === undefined ? '—' : `${(Number(n) * 100).toFixed(1)}%`);
  const num = (n) =>
    n === null || n === undefined ? '—' : Number(n).toFixed(Number.isInteger(Number(n)) ? 0 : 1);
  console.log('\nKPIs, last six months (USD):');
  const figures = [
    ['endMrr', 'MRR end', money],
    ['arr', 'ARR', money],
    ['newMrr', 'new', money],
    ['expansionMrr', 'expansion', money],
    ['contractionMrr', 'contraction', money],
    ['churnedMrr', 'churned', money],
    ['reactivationMrr', 'reactivation', money],
    ['logoChurnRate', 'logo churn', pct],
    ['grossMrrChurnRate', 'gross MRR churn', pct],
    ['grr', 'GRR', pct],
    ['nrr', 'NRR', pct],
    ['arpa', 'ARPA', money],
    ['ltv', 'LTV', money],
    ['nps', 'NPS', num],
    ['csat', 'CSAT', pct],
    ['activeAccounts', 'active accounts', num],
    ['mau', 'MAU', num],
    ['stickiness', 'DAU/MAU', pct],
    ['onboardingCompletionRate', 'onboarding done', pct],
    ['upsellRate', 'upsell rate', pct],
  ];
  table(
    ['', ...report.kpis.map((k) => String(k.month ?? ''))],
    figures.map(([key, label, fmt]) => [label, ...report.kpis.map((k) => fmt(k[key]))]),
  );
  console.log('\nHealth bands:');
  const total = Object.values(report.bands).reduce((a, b) => a + b, 0) || 1;
  table(
    ['band', 'accounts', 'share'],
    Object.entries(report.bands).map(([band, n]) => [band, n, pct(n / total)]),
  );
  console.log('\nThe ten accounts most at risk, and the measures that put them there:');
  for (const a of report.atRisk)
    console.log(
      `  ${String(a.score ?? '—').padStart(5)} ${String(a.band ?? '').padEnd(6)} ${a.accountId} ${a.name ?? ''} (${a.csmEmail ?? 'no CSM'}): ${a.reasons
        .map((r) => `${r.label} = ${measureValue(r.value)}`)
        .join('; ')}`,
    );
  console.log('\nOpen alerts by rule:');
  const byRule = {};
  for (const a of report.openAlerts) byRule[a.ruleType] = (byRule[a.ruleType] ?? 0) + 1;
  table(
    ['rule', 'open'],
    Object.entries(byRule).sort((x, y) => y[1] - x[1]),
  );
  console.log('\nPlaybook runs:');
  const byPlaybook = {};
  for (const r of report.runs) {
    const row = (byPlaybook[r.playbookName] ??= {});
    row[r.status] = (row[r.status] ?? 0) + 1;
  }
  const statuses = [...new Set(report.runs.map((r) => r.status))].sort();
  table(
    ['playbook', ...statuses],
    Object.entries(byPlaybook).map(([name, s]) => [name, ...statuses.map((st) => s[st] ?? 0)]),
  );
  console.log(`\nOpen CSM tasks: ${report.openTasks.length}`);
  const byOwner = {};
  for (const t of report.openTasks)
    byOwner[t.owner ?? '(unassigned)'] = (byOwner[t.owner ?? '(unassigned)'] ?? 0) + 1;
  table(
    ['owner', 'open tasks'],
    Object.entries(byOwner).sort((x, y) => y[1] - x[1]),
  );
}

/** A measure's value as people read it: whole numbers as they are, fractions to two places. */
function measureValue(value) {
  if (value === null || value === undefined) return 'no data';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function printPredictions(p) {
  const pct = (n) => (n === null || n === undefined ? '—' : `${(Number(n) * 100).toFixed(1)}%`);
  const auc = (n) => (n === null || n === undefined ? '—' : Number(n).toFixed(3));
  console.log(
    `\nWho churned, told apart ${p.period.horizonDays} days before: churns from ${p.period.from} to ${p.period.to}` +
      (p.sample ? ` (${p.sample.withOutcome} churned accounts, ${p.sample.sampled} sampled)` : ''),
  );
  const bandRate = (row, band) => {
    const b = row.byBand.find((x) => x.band === band);
    return b ? `${pct(b.rate)} of ${b.count}` : '—';
  };
  table(
    ['', 'AUC', 'measured on', 'churn: red', 'yellow', 'green'],
    p.rows.map((r) => [
      r.name,
      auc(r.auc),
      r.how,
      bandRate(r, 'red'),
      bandRate(r, 'yellow'),
      bandRate(r, 'green'),
    ]),
  );
  for (const note of p.notes) console.log(`  (${note})`);
  const f = p.forecast;
  const money = (n) => Math.round(Number(n)).toLocaleString('en-US');
  console.log(
    `\nRenewals of the next ${f.days} days: ${f.renewals}, ${money(f.renewingMrr)} MRR; expected to renew ${money(f.expectedRenewingMrr)}` +
      (f.unpredictedRenewals > 0 ? `; ${f.unpredictedRenewals} without a prediction (not guessed)` : ''),
  );
  table(
    ['account', 'renews on', 'MRR', 'churn risk', 'why'],
    f.atRisk.map((r) => [
      r.accountId,
      r.renewalDate,
      money(r.mrr),
      pct(r.churnProbability),
      r.topContributions
        .map((c) => `${c.label} (${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(2)})`)
        .join('; '),
    ]),
  );
}
