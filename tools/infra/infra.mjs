#!/usr/bin/env node
// npm run infra:up | infra:down | infra:status
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const infra = require('./local-infra.cjs');

const command = process.argv[2] ?? 'up';
const commands = { up: infra.up, down: infra.down, status: infra.status };

if (!commands[command]) {
  console.error(`unknown command "${command}": use up, down or status`);
  process.exit(2);
}

try {
  const result = await commands[command]();
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  console.error(`[infra] ${error instanceof infra.InfraError ? error.message : error.stack}`);
  process.exit(1);
}
