import { Analytics } from '@segment/analytics-node';
import { Kafka, logLevel } from 'kafkajs';
import { CustomerBase, GeneratedCall, monthStart } from './customer-base';

/** Where each service's REST API answers. */
export interface DemoEndpoints {
  readonly ingestion: string;
  readonly healthScoring: string;
  readonly alerting: string;
  readonly playbooks: string;
  readonly reporting: string;
}

/** A consumer group of the pipeline and the topics it reads, to measure its lag. */
export interface ConsumerGroupWatch {
  readonly groupId: string;
  readonly topics: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failed call to one of the APIs, with what it answered. */
export class DemoApiError extends Error {}

export async function apiCall<T>(
  url: string,
  token: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new DemoApiError(
      `${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 500)}`,
    );
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Every item of a cursor-paginated list ({items, nextCursor}). */
export async function allPages<T>(url: string, token: string, limit = 200): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const u = new URL(url);
    u.searchParams.set('limit', String(limit));
    if (cursor) u.searchParams.set('cursor', cursor);
    const page: { items: T[]; nextCursor: string | null } = await apiCall(u.toString(), token);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Tells the services what the generated data assumes (the onboarding milestones and key
 * features) and waits until alerting applies the workspace's fallback owner.
 */
export async function configureDemoWorkspace(
  endpoints: DemoEndpoints,
  token: string,
  base: CustomerBase,
): Promise<void> {
  const current = await apiCall<Record<string, unknown>>(`${endpoints.healthScoring}/v1/settings`, token);
  await apiCall(`${endpoints.healthScoring}/v1/settings`, token, {
    method: 'PUT',
    body: {
      renewalWindowDays: current['renewalWindowDays'],
      touchHighMrr: current['touchHighMrr'],
      touchLowMrr: current['touchLowMrr'],
      onboardingMilestones: base.settings.onboardingMilestones,
      keyFeatures: base.settings.keyFeatures,
    },
  });
  // Accounts without a CSM (the small ones) get the fallback owner the workspace was created
  // with; alerting learns it from cs.workspaces.v1, a moment after the creation.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const settings = await apiCall<{ fallbackOwner: string | null }>(
      `${endpoints.alerting}/v1/alert-settings`,
      token,
    );
    if (settings.fallbackOwner === DEMO_DEFAULT_OWNER) break;
    if (Date.now() > deadline)
      throw new Error(`alerting did not learn the fallback owner ${DEMO_DEFAULT_OWNER} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Who owns the alerts and tasks of demo accounts without a CSM: the fallback owner the demo
 * creates its workspace with (`createWorkspaceWithCli(..., { fallbackOwner })`).
 */
export const DEMO_DEFAULT_OWNER = 'cs-team@cs.example';

/**
 * Sends the calls through the ingestion API with the real Segment SDK, to /v1/import since they
 * carry historical timestamps. Resolves when every call was accepted; rejects on the first
 * delivery error.
 */
export async function sendCustomerBase(
  ingestionUrl: string,
  writeKey: string,
  calls: readonly GeneratedCall[],
  onProgress: (sent: number, total: number) => void = () => undefined,
): Promise<void> {
  const analytics = new Analytics({
    writeKey,
    host: ingestionUrl,
    path: '/v1/import',
    flushAt: 250,
    flushInterval: 200,
    maxRetries: 5,
    httpRequestTimeout: 30_000,
  });
  const failures: unknown[] = [];
  analytics.on('error', (error) => failures.push(error));
  const chunk = 2_500;
  try {
    for (let i = 0; i < calls.length; i += chunk) {
      await Promise.all(
        calls.slice(i, i + chunk).map(
          (call) =>
            new Promise<void>((resolve, reject) => {
              const done = (error?: unknown) => (error ? reject(error) : resolve());
              const common = {
                userId: call.userId,
                messageId: call.messageId,
                timestamp: new Date(call.timestamp),
                context: call.context,
              };
              if (call.type === 'track')
                analytics.track({ ...common, event: call.event!, properties: call.properties ?? {} }, done);
              else if (call.type === 'group')
                analytics.group({ ...common, groupId: call.groupId!, traits: call.traits ?? {} }, done);
              else analytics.identify({ ...common, traits: call.traits ?? {} }, done);
            }),
        ),
      );
      if (failures.length > 0) throw failures[0];
      onProgress(Math.min(i + chunk, calls.length), calls.length);
    }
  } finally {
    await analytics.closeAndFlush({ timeout: 30_000 });
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * Waits until every group has read everything on its topics (lag zero), three checks in a row a
 * second apart, so that what one consumer published has reached the next. Returns the time taken.
 */
export async function waitForCatchUp(
  brokers: readonly string[],
  groups: readonly ConsumerGroupWatch[],
  { timeoutMs = 600_000, onLag = (_lag: number) => undefined } = {},
): Promise<number> {
  const started = Date.now();
  const admin = new Kafka({
    clientId: 'tsuzuku-demo',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    let quiet = 0;
    let behind: string[] = [];
    while (quiet < 3) {
      if (Date.now() - started > timeoutMs)
        throw new Error(
          `the consumers did not catch up within ${timeoutMs / 1000} s; still behind: ${behind.slice(0, 12).join(', ')}`,
        );
      const lags = await lagsOf(admin, groups);
      const lag = lags.reduce((sum, l) => sum + l.lag, 0);
      behind = lags.map((l) => `${l.groupId} ${l.topic}/${l.partition} ${l.lag}`);
      onLag(lag);
      quiet = lag === 0 ? quiet + 1 : 0;
      await sleep(1_000);
    }
    return Date.now() - started;
  } finally {
    await admin.disconnect();
  }
}

/** A partition a consumer group has not committed to its end, and how many messages it is behind. */
interface PartitionLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/** Every partition of the groups' topics that a group has not committed to its end. */
async function lagsOf(
  admin: ReturnType<Kafka['admin']>,
  groups: readonly ConsumerGroupWatch[],
): Promise<PartitionLag[]> {
  const ends = new Map<string, Map<number, bigint>>();
  const endOf = async (topic: string) => {
    let known = ends.get(topic);
    if (!known) {
      known = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
      ends.set(topic, known);
    }
    return known;
  };
  const lags: PartitionLag[] = [];
  for (const group of groups) {
    const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] });
    for (const topic of committed) {
      const end = await endOf(topic.topic);
      for (const p of topic.partitions) {
        const high = end.get(p.partition) ?? 0n;
        const at = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
        if (high > at)
          lags.push({
            groupId: group.groupId,
            topic: topic.topic,
            partition: p.partition,
            lag: Number(high - at),
          });
      }
    }
  }
  return lags;
}

/**
 * After the consumers caught up, the work the services do on their own clock (the present state
 * of imported accounts, announced once their history is quiet; playbook steps that are due now,
 * alert notifications) still runs: waits until health-scoring has no backfill pending, then until
 * the open alerts and open tasks stay the same over two reads two seconds apart.
 */
export async function waitForSettled(
  endpoints: DemoEndpoints,
  token: string,
  { timeoutMs = 120_000 } = {},
): Promise<void> {
  const started = Date.now();
  while (
    (await apiCall<{ pendingAccounts: number }>(`${endpoints.healthScoring}/v1/backfill`, token))
      .pendingAccounts > 0
  ) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`imported accounts still wait for their present state after ${timeoutMs / 1000} s`);
    await sleep(1_000);
  }
  const counts = async () =>
    JSON.stringify([
      (await allPages(`${endpoints.alerting}/v1/alerts?status=open`, token)).length,
      (await allPages(`${endpoints.playbooks}/v1/tasks?status=open`, token)).length,
      (await allPages(`${endpoints.playbooks}/v1/playbook-runs?status=running`, token)).length,
    ]);
  let before = await counts();
  for (;;) {
    await sleep(2_000);
    const now = await counts();
    if (now === before) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(`alerts and tasks still changing after ${timeoutMs / 1000} s`);
    before = now;
  }
}

/** Which months a report of the last `months` months covers, oldest first, as YYYY-MM. */
export function lastMonths(now: Date, months: number): string[] {
  return Array.from({ length: months }, (_, i) =>
    monthStart(now, months - 1 - i)
      .toISOString()
      .slice(0, 7),
  );
}

export interface AtRiskAccount {
  readonly accountId: string;
  readonly name: string | null;
  readonly score: number | null;
  readonly band: string | null;
  readonly csmEmail: string | null;
  readonly reasons: readonly {
    readonly label: string;
    readonly value: number | null;
    readonly points: number | null;
  }[];
}

export interface DemoReport {
  readonly months: readonly string[];
  readonly kpis: readonly Record<string, unknown>[];
  readonly bands: Readonly<Record<string, number>>;
  readonly accounts: readonly { accountId: string; band: string | null; score: number | null }[];
  readonly atRisk: readonly AtRiskAccount[];
  readonly openAlerts: readonly {
    accountId: string;
    ruleType: string;
    owner: string | null;
    severity: string;
  }[];
  readonly runs: readonly { accountId: string; playbookName: string; status: string }[];
  readonly openTasks: readonly { accountId: string; title: string; owner: string | null }[];
}

interface AccountListItem {
  accountId: string;
  name: string | null;
  csmEmail: string | null;
  health: { score: number | null; band: string | null };
}
interface HealthExplanation {
  measures: { measureId: string; label: string; value: number | null; points: number | null }[];
  decisive: { largestDeficits: { measureId: string; label: string }[] };
}

/** Reads what the services made of the data, through their public APIs. */
export async function collectDemoReport(
  endpoints: DemoEndpoints,
  token: string,
  { now = new Date(), months = 6 }: { now?: Date; months?: number } = {},
): Promise<DemoReport> {
  const range = lastMonths(now, months);
  const kpiAnswer = await apiCall<{ months: Record<string, unknown>[]; errors: unknown[] }>(
    `${endpoints.reporting}/v1/reports/kpis?from=${range[0]}&to=${range[range.length - 1]}`,
    token,
  );
  const kpis = kpiAnswer.months;
  if (kpiAnswer.errors.length > 0)
    throw new DemoApiError(`the KPI report lists ${kpiAnswer.errors.length} conversion error(s)`);
  const accounts = await allPages<AccountListItem>(
    `${endpoints.healthScoring}/v1/accounts?sort=score`,
    token,
  );
  const bands: Record<string, number> = { red: 0, yellow: 0, green: 0, unscored: 0 };
  for (const a of accounts)
    bands[a.health.band ?? 'unscored'] = (bands[a.health.band ?? 'unscored'] ?? 0) + 1;
  const atRisk: AtRiskAccount[] = [];
  for (const a of accounts.filter((x) => x.health.score !== null).slice(0, 10)) {
    const health = await apiCall<HealthExplanation>(
      `${endpoints.healthScoring}/v1/accounts/${encodeURIComponent(a.accountId)}/health`,
      token,
    );
    const byId = new Map(health.measures.map((m) => [m.measureId, m]));
    atRisk.push({
      accountId: a.accountId,
      name: a.name,
      score: a.health.score,
      band: a.health.band,
      csmEmail: a.csmEmail,
      reasons: health.decisive.largestDeficits.slice(0, 3).map((d) => ({
        label: d.label,
        value: byId.get(d.measureId)?.value ?? null,
        points: byId.get(d.measureId)?.points ?? null,
      })),
    });
  }
  const openAlerts = await allPages<{
    accountId: string;
    ruleType: string;
    owner: string | null;
    severity: string;
  }>(`${endpoints.alerting}/v1/alerts?status=open`, token);
  const runs = await allPages<{ accountId: string; playbookName: string; status: string }>(
    `${endpoints.playbooks}/v1/playbook-runs`,
    token,
  );
  const openTasks = await allPages<{ accountId: string; title: string; owner: string | null }>(
    `${endpoints.playbooks}/v1/tasks?status=open`,
    token,
  );
  return {
    months: range,
    kpis,
    bands,
    accounts: accounts.map((a) => ({ accountId: a.accountId, band: a.health.band, score: a.health.score })),
    atRisk,
    openAlerts,
    runs,
    openTasks,
  };
}
