import { gzipSync } from 'node:zlib';
import { IngestionConfig } from '../src/config/ingestion.config';
import { ingestionService } from '../src/service';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
} from '@tsuzuku/platform-testing';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Workspace {
  readonly id: string;
  readonly writeKey: string;
  readonly writeKeyId: string;
  readonly apiToken: string;
}

export interface RunningIngestion {
  readonly db: TestDatabase;
  readonly service: RunningTestService<IngestionConfig>;
  close(): Promise<void>;
}

/** An ingestion service on a fresh database, with the admin API on. */
export async function startIngestion(
  env: Record<string, string> = {},
  label = 'ingestion',
): Promise<RunningIngestion> {
  const db = await createTestDatabase(label);
  const service = await startTestService(ingestionService, {
    DATABASE_URL: db.url,
    TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN,
    ...env,
  });
  return {
    db,
    service,
    close: async () => {
      await service.close();
      await db.drop();
    },
  };
}

/** Creates a workspace through the admin API; its fallback owner null unless given. */
export async function createWorkspace(
  url: string,
  name: string,
  fallbackOwner: string | null = null,
): Promise<Workspace> {
  const response = await fetch(`${url}/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, fallbackOwner }),
  });
  if (response.status !== 201)
    throw new Error(`creating a workspace: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as {
    workspace: { id: string };
    writeKey: { id: string; secret: string };
    apiToken: { secret: string };
  };
  return {
    id: body.workspace.id,
    writeKey: body.writeKey.secret,
    writeKeyId: body.writeKey.id,
    apiToken: body.apiToken.secret,
  };
}

export function basic(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

export async function post(
  url: string,
  path: string,
  body: unknown,
  { writeKey, gzip = false, raw }: { writeKey?: string; gzip?: boolean; raw?: Buffer | string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const json = raw ?? JSON.stringify(body);
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(writeKey ? { authorization: basic(writeKey) } : {}),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: gzip ? gzipSync(json) : json,
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
