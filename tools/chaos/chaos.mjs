#!/usr/bin/env node
// npm run chaos — the chaos suite: the five built services as processes (two replicas of each
// consuming one) on a private Kafka and a private Postgres; a seeded history sent through the real
// Segment SDK while services are SIGKILLed mid-batch, database connections are cut, Postgres and
// Kafka are restarted and a third replica joins; then the table of what was sent, acknowledged,
// found on the topic, lost, doubled, and which processes died, and the checks against ground
// truth and a clean single-replica run. Exits 1 when anything is wrong.
//
// Knobs: CHAOS_ACCOUNTS (60), CHAOS_SEED (42), CHAOS_FAULTS (all; or a comma list of
// kill:<service>, cut-connections, restart-postgres, restart-kafka, join-replica:<service>),
// CHAOS_CLEAN_RUN (1; 0 skips the comparison with a clean run), CHAOS_KAFKA_PORT
// (TSUZUKU_KAFKA_PORT + 0, else 33092), CHAOS_POSTGRES_PORT (35432), CHAOS_INGESTION_PORT (Kafka
// port + 100), CHAOS_CATCH_UP_S (600), CHAOS_NO_BUILD=1 skips the build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;

if (!env.CHAOS_NO_BUILD) {
  const build = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(1);
}
const { runChaos, chaosTable, ALL_FAULTS } = require(path.join(ROOT, 'libs/platform/testing/dist/chaos.js'));

function parseFaults(text) {
  if (!text || text === 'all') return ALL_FAULTS;
  return text.split(',').map((item) => {
    const [kind, service] = item.trim().split(':');
    if (kind === 'kill' || kind === 'join-replica') {
      if (!service) throw new Error(`CHAOS_FAULTS: ${item} needs a service (${kind}:<service>)`);
      return { kind, service };
    }
    if (['cut-connections', 'restart-postgres', 'restart-kafka'].includes(kind)) return { kind };
    throw new Error(`CHAOS_FAULTS: unknown fault ${item}`);
  });
}

const kafkaPort = Number(env.CHAOS_KAFKA_PORT ?? env.TSUZUKU_KAFKA_PORT ?? 33092);
const started = Date.now();
const result = await runChaos({
  accounts: Number(env.CHAOS_ACCOUNTS ?? 60),
  seed: Number(env.CHAOS_SEED ?? 42),
  faults: parseFaults(env.CHAOS_FAULTS),
  kafkaPort,
  postgresPort: Number(env.CHAOS_POSTGRES_PORT ?? 35432),
  ingestionPort: Number(env.CHAOS_INGESTION_PORT ?? kafkaPort + 100),
  compareWithCleanRun: env.CHAOS_CLEAN_RUN !== '0',
  catchUpTimeoutMs: Number(env.CHAOS_CATCH_UP_S ?? 600) * 1000,
  log: (line) => console.log(`[chaos ${new Date().toISOString().slice(11, 23)}] ${line}`),
});
console.log(`\n${chaosTable(result)}\n`);
for (const death of result.deaths) console.log(`died: ${death}\n`);
console.log(`chaos: ${result.ok ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(result.ok ? 0 : 1);
