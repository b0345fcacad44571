#!/usr/bin/env node
// npm run demo [-- --exit]: the main job. For now it starts the stack and prints where each
// service listens; with --exit it stops again after printing, non-zero if any stage failed.
import {
  ensureProjectNode,
  build,
  infraUp,
  startServices,
  waitUntilReady,
  stopServices,
  printEndpoints,
} from './stack.mjs';

ensureProjectNode();

const exitAfter = process.argv.includes('--exit');
let running = [];
let infraHandle;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await stopServices(running);
  if (infraHandle?.startedKafka) await infraHandle.infra.stopKafka();
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const stage = (name) => console.log(`\n== ${name}`);
try {
  stage('infrastructure: Postgres and a local Kafka');
  infraHandle = await infraUp();
  console.log(`Kafka ${infraHandle.brokers.join(',')}; Postgres ${infraHandle.databaseUrl}`);
  stage('build');
  build();
  stage('services');
  const logs = [];
  running = startServices(
    { KAFKA_BROKERS: infraHandle.brokers.join(','), DATABASE_URL: infraHandle.databaseUrl },
    { sink: (line) => logs.push(line), pretty: false },
  );
  const ms = await waitUntilReady(running).catch((error) => {
    console.error(logs.slice(-40).join('\n'));
    throw error;
  });
  console.log(`all five services ready in ${(ms / 1000).toFixed(1)} s`);
  printEndpoints(running);
  if (exitAfter) {
    await shutdown(0);
  } else {
    console.log('Serving until Ctrl-C.');
  }
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  await shutdown(1);
}
