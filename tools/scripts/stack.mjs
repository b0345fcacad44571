// Starts the local infrastructure and the five services, and stops them again.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SERVICES = [
  { name: 'ingestion', port: 3001, color: 36 },
  { name: 'health-scoring', port: 3002, color: 32 },
  { name: 'alerting', port: 3003, color: 33 },
  { name: 'playbooks', port: 3004, color: 35 },
  { name: 'reporting', port: 3005, color: 34 },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-runs this script under the project's pinned Node 24 when started with another, installing it first. */
export function ensureProjectNode() {
  const pinned = path.join(ROOT, 'node_modules', '.bin', 'node');
  if (!existsSync(pinned)) {
    console.log('[tsuzuku] installing the locked dependencies (npm ci)...');
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
    if (install.status !== 0) process.exit(install.status ?? 1);
  }
  if (Number(process.versions.node.split('.')[0]) < 22 && existsSync(pinned)) {
    const rerun = spawnSync(pinned, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exit(rerun.status ?? 1);
  }
}

export function build() {
  console.log('[tsuzuku] building (tsc -b)...');
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the build failed');
}

export async function infraUp() {
  const infra = require(path.join(ROOT, 'tools', 'infra', 'local-infra.cjs'));
  const kafkaWasUp = Boolean(process.env.KAFKA_BROKERS) || (await infra.portAnswers(infra.KAFKA_PORT));
  const { brokers, databaseUrl } = await infra.up();
  return { infra, brokers, databaseUrl, startedKafka: !kafkaWasUp };
}

/**
 * What a script started, and its way out: `up()` starts the infrastructure, the script puts the
 * services it starts in `running`; `shutdown(code)` (once; SIGINT and SIGTERM call it with 0)
 * stops them and the local Kafka when `up()` started it, then exits. `say` reports each step.
 */
export class LocalStack {
  running = [];
  stopping = false;
  infraHandle;

  constructor(say = () => {}) {
    this.say = say;
    process.on('SIGINT', () => void this.shutdown(0));
    process.on('SIGTERM', () => void this.shutdown(0));
  }

  async up() {
    this.infraHandle = await infraUp();
    return this.infraHandle;
  }

  /** The services' environment on the infrastructure `up()` started. */
  env() {
    return {
      KAFKA_BROKERS: this.infraHandle.brokers.join(','),
      DATABASE_URL: this.infraHandle.databaseUrl,
      // Local receivers (a webhook on this machine) keep working; production refuses loopback.
      TSUZUKU_OUTBOUND_ALLOW: process.env.TSUZUKU_OUTBOUND_ALLOW ?? '127.0.0.1/32,::1/128',
    };
  }

  /** Spawns the five services on the environment of `env()` (startServices' options), as `running`. */
  startServices(options) {
    this.running = startServices(this.env(), options);
    return this.running;
  }

  /** Resolves, with the milliseconds it took, once every running service answers ready. */
  waitUntilReady() {
    return waitUntilReady(this.running);
  }

  printEndpoints() {
    printEndpoints(this.running);
  }

  async shutdown(code) {
    if (this.stopping) return;
    this.stopping = true;
    this.say('\n[tsuzuku] stopping the services...');
    await stopServices(this.running);
    if (this.infraHandle?.startedKafka) {
      this.say('[tsuzuku] stopping the local Kafka...');
      await this.infraHandle.infra.stopKafka();
    }
    process.exit(code);
  }
}

function prefixLines(stream, label, color, sink) {
  const rl = readline.createInterface({ input: stream });
  rl.on('line', (line) => sink(`\u001b[${color}m${label.padEnd(15)}\u001b[0m ${line}`));
}

/** Spawns the five built services with the given environment; their logs go to `sink`, prefixed. */
export function startServices(env, { sink = (line) => console.log(line), pretty = true } = {}) {
  return SERVICES.map((service) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'apps', service.name, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(service.port), LOG_PRETTY: pretty ? 'true' : 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(child.stdout, service.name, service.color, sink);
    prefixLines(child.stderr, service.name, service.color, sink);
    return {
      ...service,
      child,
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    };
  });
}

export async function waitUntilReady(running, timeoutMs = 60_000) {
  const started = Date.now();
  const pending = new Set(running.map((s) => s.name));
  while (pending.size > 0) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
    }
    for (const service of running) {
      if (!pending.has(service.name)) continue;
      if (service.child.exitCode !== null)
        throw new Error(`${service.name} exited with code ${service.child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${service.port}/health/ready`, {
          signal: AbortSignal.timeout(3000),
        });
        if (response.ok) pending.delete(service.name);
      } catch {
        // not listening yet
      }
    }
    if (pending.size > 0) await sleep(500);
  }
  return Date.now() - started;
}

export async function stopServices(running) {
  for (const service of running) if (service.child.exitCode === null) service.child.kill('SIGTERM');
  await Promise.all(running.map((s) => s.exited));
}

export function printEndpoints(running) {
  console.log('\nTsuzuku is running:');
  console.log('  service          API                      OpenAPI docs                    readiness');
  for (const s of running) {
    const base = `http://127.0.0.1:${s.port}`;
    console.log(
      `  ${s.name.padEnd(16)} ${base.padEnd(24)} ${`${base}/docs`.padEnd(31)} ${base}/health/ready`,
    );
  }
  console.log('');
}
