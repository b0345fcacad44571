import { spawn } from 'node:child_process';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Runs a built script of an app (e.g. the ingestion CLI) to completion. */
export function runBuiltScript(
  app: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = path.join(REPO_ROOT, 'apps', app, 'dist', script);
  const child = spawn(process.execPath, [file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** A workspace as the ingestion CLI creates it: its id, a write key and an API token. */
export interface CliWorkspace {
  readonly workspaceId: string;
  readonly writeKey: string;
  readonly token: string;
}

/**
 * Creates a workspace as a user does (`cli.js workspace create <name> --fallback-owner ...` of the
 * built ingestion), then waits until each service at `acceptedBy` (base URLs) accepts its API
 * token: the services learn credentials from a topic, a moment after the CLI wrote them.
 * `fallbackOwner` null (the default) creates it with `--no-fallback-owner`.
 */
export async function createWorkspaceWithCli(
  name: string,
  env: Record<string, string>,
  acceptedBy: readonly string[],
  { timeoutMs = 15_000, fallbackOwner = null as string | null } = {},
): Promise<CliWorkspace> {
  const owner = fallbackOwner === null ? ['--no-fallback-owner'] : ['--fallback-owner', fallbackOwner];
  const created = await runBuiltScript('ingestion', 'cli.js', ['workspace', 'create', name, ...owner], env);
  if (created.code !== 0)
    throw new Error(`workspace create exited with code ${created.code}: ${created.stderr || created.stdout}`);
  const parsed = JSON.parse(created.stdout) as {
    workspace: { id: string };
    writeKey: { secret: string };
    apiToken: { secret: string };
  };
  const token = parsed.apiToken.secret;
  for (const url of acceptedBy) await untilTokenAccepted(url, token, timeoutMs);
  return { workspaceId: parsed.workspace.id, writeKey: parsed.writeKey.secret, token };
}

async function untilTokenAccepted(url: string, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(`${url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });
      if (answer.ok) return;
      last = `status ${answer.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not accept the new API token within ${timeoutMs} ms (${last})`);
}
