#!/usr/bin/env node
// npm start: local infrastructure, then the five services in the foreground. Ctrl-C stops everything.
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

let running = [];
let infraHandle;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\n[tsuzuku] stopping the services...');
  await stopServices(running);
  if (infraHandle?.startedKafka) {
    console.log('[tsuzuku] stopping the local Kafka...');
    await infraHandle.infra.stopKafka();
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  infraHandle = await infraUp();
  build();
  running = startServices({
    KAFKA_BROKERS: infraHandle.brokers.join(','),
    DATABASE_URL: infraHandle.databaseUrl,
    // Local receivers (a webhook on this machine) keep working; production refuses loopback.
    TSUZUKU_OUTBOUND_ALLOW: process.env.TSUZUKU_OUTBOUND_ALLOW ?? '127.0.0.1/32,::1/128',
  });
  for (const service of running) {
    void service.exited.then(({ code }) => {
      if (!stopping) {
        console.error(`[tsuzuku] ${service.name} exited unexpectedly (code ${code})`);
        void shutdown(1);
      }
    });
  }
  const ms = await waitUntilReady(running);
  printEndpoints(running);
  console.log(`[tsuzuku] all five services ready in ${(ms / 1000).toFixed(1)} s. Ctrl-C stops everything.`);
} catch (error) {
  console.error(`[tsuzuku] ${error.message}`);
  await shutdown(1);
}
