import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { waitFor } from './wait-for';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface BuiltService {
  /** Base URL once it listens. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, and its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs a service's built main.js (apps/<name>/dist) as its own process, as `npm start` and the
 * containers do, on a free port; resolves once it is ready (/health/ready answers 200), or with
 * `{ ready: false }` as soon as it listens (it listens before Kafka and Postgres are reached).
 * Build first (`npm run build`).
 */
export async function startBuiltService(
  name: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
  { ready = true }: { ready?: boolean } = {},
): Promise<BuiltService> {
  const started = Date.now();
  const service = await listeningService(name, env, timeoutMs);
  if (!ready) return service;
  try {
    await waitFor(async () => (await fetch(`${service.url}/health/ready`)).ok || undefined, {
      what: `${name} to be ready`,
      timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)),
      intervalMs: 200,
    });
  } catch (error) {
    await service.stop();
    throw new Error(`${(error as Error).message}\n${service.output().slice(-3000)}`);
  }
  return service;
}

function listeningService(
  name: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<BuiltService> {
  const main = path.join(REPO_ROOT, 'apps', name, 'dist', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not listen within ${timeoutMs} ms:\n${output.slice(-3000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (!listening) return;
      clearTimeout(timer);
      child.stdout!.removeListener('data', onData);
      child.stderr!.removeListener('data', onData);
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      resolve({
        url: listening[1]!,
        process: child,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before listening:\n${output.slice(-3000)}`));
    });
  });
}

/** A TCP port free on 127.0.0.1 now (for a built service's second listener, e.g. GRPC_PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
