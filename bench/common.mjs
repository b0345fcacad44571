// What the benchmarks share: sleep, percentiles, a seeded generator, a free port, a fresh
// database, a line describing the machine, and the figures file `npm run bench` gathers.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The repository's root, the local infrastructure helpers and the pg client every bench uses. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const infra = require(path.join(ROOT, 'tools', 'infra', 'local-infra.cjs'));
export const { Client } = require('pg');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at fraction p (0 to 1) of an ascending list. */
export const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

/** A small seeded generator (mulberry32): the same seed, the same numbers. */
export function seededRandom(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Drops and creates database `name` on the server of `baseUrl`; returns its URL. */
export async function freshDatabase(baseUrl, name) {
  const url = new URL(baseUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  url.pathname = `/${name}`;
  return url.toString();
}

export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * Writes bench/results/<name>.json, which `npm run bench` gathers into bench/results.md: each
 * figure with its value and, where there is one, its target, baseline and ratio.
 */
export function writeFigures(name, title, figures) {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `${name}.json`),
    `${JSON.stringify({ name, title, ranAt: new Date().toISOString(), machine: machine(), figures }, null, 2)}\n`,
  );
}

/**
 * Spawns a built service (apps/<app>/dist/main.js) with `env`; its output is kept for error
 * messages (and shown with BENCH_ECHO=1).
 */
export function startBuiltService(app, env, { nodeArgs = [] } = {}) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const child = spawn(process.execPath, [...nodeArgs, `apps/${app}/dist/main.js`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service = { app, child, output: '' };
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk) => {
      service.output = (service.output + chunk).slice(-100_000);
      if (process.env.BENCH_ECHO) process.stderr.write(chunk);
    });
  return service;
}

/** Stops a service started by startBuiltService: SIGTERM, then SIGKILL after 30 s. */
export async function stopBuiltService(service) {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
