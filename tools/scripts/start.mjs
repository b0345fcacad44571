#!/usr/bin/env node
// npm start: local infrastructure, then the five services in the foreground. Ctrl-C stops everything.
import {
  ensureProjectNode,
  build,
  startServices,
  waitUntilReady,
  printEndpoints,
  LocalStack,
} from './stack.mjs';

ensureProjectNode();

const stack = new LocalStack((message) => console.log(message));

try {
  await stack.up();
  build();
  stack.running = startServices(stack.env());
  for (const service of stack.running) {
    void service.exited.then(({ code }) => {
      if (!stack.stopping) {
        console.error(`[tsuzuku] ${service.name} exited unexpectedly (code ${code})`);
        void stack.shutdown(1);
      }
    });
  }
  const ms = await waitUntilReady(stack.running);
  printEndpoints(stack.running);
  console.log(`[tsuzuku] all five services ready in ${(ms / 1000).toFixed(1)} s. Ctrl-C stops everything.`);
} catch (error) {
  console.error(`[tsuzuku] ${error.message}`);
  await stack.shutdown(1);
}
