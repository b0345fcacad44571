import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { IngestionConfig } from '../src/config/ingestion.config';
import { ingestionService } from '../src/service';
import {
  ReadMessage,
  RunningTestService,
  TestDatabase,
  TopicReader,
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

/**
 * Shows that nothing more of the events already read is on its way, without sleeping: posts one
 * marker call on each message key they went to (so behind them, on their partition) and waits
 * until the reader has every marker. Whatever ingestion published before a marker, a repeat
 * included, has been read by then. Answers the markers' messageIds, for the caller to leave out.
 */
export async function readPastMarkers(
  url: string,
  writeKey: string,
  reader: TopicReader,
  read: readonly ReadMessage[],
): Promise<Set<string>> {
  const byKey = new Map<string | null, { accountId: string | null; data: { userId?: string | null } }>();
  for (const message of read) byKey.set(message.key, JSON.parse(message.value!));
  // The same account, else the same user, else neither: the key (and partition) of the event.
  const markers = [...byKey.values()].map(({ accountId, data }) => ({
    type: 'track',
    event: 'Test Marker',
    messageId: randomUUID(),
    ...(data.userId ? { userId: data.userId } : { anonymousId: 'marker' }),
    ...(accountId ? { context: { groupId: accountId } } : {}),
  }));
  const answer = await post(url, '/v1/batch', { batch: markers }, { writeKey });
  if (answer.status !== 200)
    throw new Error(`the markers were refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  const ids = new Set<string>(markers.map((m) => m.messageId));
  const isMarker = (m: ReadMessage) =>
    ids.has((JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId);
  const arrived = await reader.waitForMessages(isMarker, ids.size);
  // A marker keyed elsewhere than its event would prove nothing about that event's partition.
  const keys = new Set(arrived.map((m) => m.key));
  for (const key of byKey.keys())
    if (!keys.has(key)) throw new Error(`no marker landed on key ${key}: the marker proves nothing there`);
  return ids;
}
