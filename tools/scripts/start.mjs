#!/usr/bin/env node
// npm start: local infrastructure, then the five services in the foreground. Ctrl-C stops everything.
import { ensureProjectNode, build, LocalStack } from './stack.mjs';

ensureProjectNode();

const stack = new LocalStack((message) => console.log(message));

try {
  await stack.up();
  build();
  for (const service of stack.startServices()) {
    void service.exited.then(({ code }) => {
      if (!stack.stopping) {
        console.error(`[tsuzuku] ${service.name} exited unexpectedly (code ${code})`);
        void stack.shutdown(1);
      }
    });
  }
  const ms = await stack.waitUntilReady();
  stack.printEndpoints();
  console.log(`[tsuzuku] all five services ready in ${(ms / 1000).toFixed(1)} s. Ctrl-C stops everything.`);
} catch (error) {
  console.error(`[tsuzuku] ${error.message}`);
  await stack.shutdown(1);
}
