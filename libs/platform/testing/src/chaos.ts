import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Analytics } from '@segment/analytics-node';
import { Header } from '@tsuzuku/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { BuiltService, startBuiltService } from './built-service';
import { DEMO_DEFAULT_OWNER, createWorkspaceWithCli } from '@tsuzuku/demo';
import { CustomerBase, GeneratedCall, generateCustomerBase } from '@tsuzuku/demo';
import {
  DemoEndpoints,
  allPages,
  configureDemoWorkspace,
  lastMonths,
  waitForCatchUp,
  waitForSettled,
} from '@tsuzuku/demo';
import { MRR_FIGURES, independentKpis } from './independent-kpis';
import { PIPELINE_CONSUMER_GROUPS } from '@tsuzuku/demo';
import { PrivateKafka } from './test-infrastructure';
import { waitFor } from './wait-for';

/**
 * The chaos suite (`npm run chaos`, and a short scenario in `npm test`): the five built services
 * as processes, two replicas of each consuming one, a seeded history sent through the real
 * Segment SDK while faults strike (SIGKILL mid-batch, database connections cut, Postgres and
 * Kafka restarted, a third replica joining), then checks against ground truth computed from the
 * history and against a clean single-replica run of the same history. Private Kafka and Postgres
 * on ports of its own, so restarting them disturbs nobody else.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'] as const;
type ServiceName = (typeof SERVICES)[number];
const CONSUMING: readonly ServiceName[] = ['health-scoring', 'alerting', 'playbooks', 'reporting'];
const ORDERED_TOPICS = ['cs.events.v1', 'cs.accounts.v1', 'cs.health.v1', 'cs.alerts.v1', 'cs.playbooks.v1'];
const DEAD_LETTER_TOPICS = ['cs.deadletter.v1', 'cs.events.dlq.v1'];
const ADMIN_TOKEN = 'chaos-admin-token-0123456789abcdef';
const MONTHS = 6;

/** One fault the suite inflicts while the history is being sent. */
export type ChaosFault =
  | { readonly kind: 'kill'; readonly service: ServiceName }
  | { readonly kind: 'cut-connections' }
  | { readonly kind: 'restart-postgres' }
  | { readonly kind: 'restart-kafka' }
  | { readonly kind: 'join-replica'; readonly service: ServiceName };

export interface ChaosOptions {
  readonly accounts: number;
  readonly seed: number;
  readonly faults: readonly ChaosFault[];
  /** The private broker's port (its controller listens on port + 1). */
  readonly kafkaPort: number;
  /** The private Postgres cluster's port. */
  readonly postgresPort: number;
  /** Ingestion's fixed port (the SDK keeps one host across ingestion's restarts). */
  readonly ingestionPort: number;
  /** Also run the history once, clean, on one replica each, and compare scores, alerts, runs, tasks. */
  readonly compareWithCleanRun: boolean;
  /** How long the pipeline may take to catch up after the faults. */
  readonly catchUpTimeoutMs: number;
  readonly log: (line: string) => void;
}

/** The whole default fault list: every service killed, connections cut, Postgres and Kafka restarted, a rebalance. */
export const ALL_FAULTS: readonly ChaosFault[] = [
  { kind: 'kill', service: 'health-scoring' },
  { kind: 'cut-connections' },
  { kind: 'kill', service: 'alerting' },
  { kind: 'restart-kafka' },
  { kind: 'kill', service: 'playbooks' },
  { kind: 'restart-postgres' },
  { kind: 'kill', service: 'reporting' },
  { kind: 'join-replica', service: 'health-scoring' },
  { kind: 'kill', service: 'ingestion' },
];

/** A check of the chaos run, with how many things were wrong (0 is a pass). */
export interface ChaosCheck {
  readonly check: string;
  readonly wrong: number;
  readonly detail: string;
  /**
   * Shown, but not a failure: what depends on where the batches happened to break (a score_drop
   * alert sees the intermediate scores), so two clean runs may differ as well.
   */
  readonly informational?: boolean;
}

export interface ChaosResult {
  readonly sent: number;
  readonly acknowledged: number;
  readonly onTopic: number;
  readonly lost: number;
  readonly doubled: number;
  readonly died: number;
  readonly deaths: readonly string[];
  readonly checks: readonly ChaosCheck[];
  /** Nothing lost, doubled or dead, and every check passed. */
  readonly ok: boolean;
}

/** A process of the suite: which service, which replica, and whether the suite killed it. */
interface Replica {
  readonly service: ServiceName;
  readonly index: number;
  current: BuiltService | null;
  killedBySuite: boolean;
}

/** A Postgres cluster of the suite's own in a temporary folder, from the installed binaries. */
export class PrivatePostgres {
  private readonly dir: string;
  private readonly bin: string;
  private readonly asPostgres: string[];

  constructor(readonly port: number) {
    this.dir = path.join(os.tmpdir(), `tsuzuku-chaos-pg-${port}`);
    const base = '/usr/lib/postgresql';
    const version = fs.existsSync(base)
      ? fs
          .readdirSync(base)
          .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
          .sort((a, b) => Number(b) - Number(a))[0]
      : undefined;
    if (!version) throw new Error('no Postgres binaries under /usr/lib/postgresql');
    this.bin = path.join(base, version, 'bin');
    this.asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(command: string, args: string[]): void {
    const all = [...this.asPostgres, path.join(this.bin, command), ...args];
    const result = spawnSync(all[0]!, all.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stdout}${result.stderr}`);
  }

  private pgCtl(action: 'start' | 'restart'): void {
    this.run('pg_ctl', [
      '-D',
      this.dir,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300`,
      '-m',
      'fast',
      '-w',
      '-t',
      '120',
      action,
    ]);
  }

  start(): void {
    this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    if (this.asPostgres.length) spawnSync('chown', ['-R', 'postgres', this.dir]);
    this.run('initdb', ['-D', this.dir, '-U', 'postgres', '--auth=trust', '--no-sync']);
    this.pgCtl('start');
  }

  restart(): void {
    this.pgCtl('restart');
  }

  stop(): void {
    if (!fs.existsSync(path.join(this.dir, 'postmaster.pid'))) return;
    const all = [
      ...this.asPostgres,
      path.join(this.bin, 'pg_ctl'),
      '-D',
      this.dir,
      '-m',
      'fast',
      '-w',
      'stop',
    ];
    spawnSync(all[0]!, all.slice(1), { encoding: 'utf8' });
  }

  remove(): void {
    this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A fresh database on the cluster; its URL. */
  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  /** pg_terminate_backend of every connection to `database`; how many were cut. */
  async cutConnections(database: string): Promise<number> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      const cut = await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      return cut.rowCount ?? 0;
    } finally {
      await client.end();
    }
  }
}

/** What the services made of the history, read through their APIs. */
interface Outcome {
  readonly scores: Map<string, number | null>;
  /** Per account, each measure's value and points ("value/points"), to say why two scores differ. */
  readonly measures: Map<string, Map<string, string>>;
  readonly kpis: readonly Record<string, unknown>[];
  readonly openAlerts: readonly { accountId: string; ruleType: string }[];
  readonly runs: readonly {
    accountId: string;
    playbookName: string;
    trigger: { type: string; ref: string | null };
  }[];
  readonly tasks: readonly {
    accountId: string;
    title: string;
    runId: string | null;
    stepId: string | null;
  }[];
}

/** Waits for every start to end (none left running unseen), then fails with the first failure. */
async function allStarted(starts: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(starts)).find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** One run of the history through the five services, with or without faults. */
class Stack {
  readonly replicas: Replica[] = [];
  readonly deaths: string[] = [];
  private env: Record<string, string> = {};
  private markIngestionDied!: (what: string) => void;
  /** Resolves, saying how, when an ingestion process exits without the suite having killed it. */
  readonly ingestionDied = new Promise<string>((resolve) => (this.markIngestionDied = resolve));

  constructor(
    private readonly options: ChaosOptions,
    private readonly kafka: PrivateKafka,
    private readonly postgres: PrivatePostgres,
    private readonly database: string,
    private readonly scoringAsOf: Date,
  ) {}

  async start(replicasPerConsumer: number): Promise<void> {
    const databaseUrl = await this.postgres.createDatabase(this.database);
    this.env = {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: this.kafka.brokers.join(','),
      TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN,
    };
    // The first replica of each service runs its schema's migrations alone; the others join after.
    await allStarted(SERVICES.map((service) => this.launch(service, 0)));
    for (let index = 1; index < replicasPerConsumer; index++)
      await allStarted(CONSUMING.map((service) => this.launch(service, index)));
  }

  /** Starts (or restarts) a replica; a later exit the suite did not cause is counted as a death. */
  async launch(service: ServiceName, index: number): Promise<Replica> {
    let replica = this.replicas.find((r) => r.service === service && r.index === index);
    if (!replica) {
      replica = { service, index, current: null, killedBySuite: false };
      this.replicas.push(replica);
    }
    const port = service === 'ingestion' ? String(this.options.ingestionPort) : '0';
    // Scores read windows against a moment: both runs score as of the end of the history, or a
    // run that ends later than the other would see windows that moved on (a sign-in that left
    // the 30 days, a day boundary crossed) and score otherwise.
    const own: Record<string, string> =
      service === 'health-scoring' ? { SCORING_AS_OF: this.scoringAsOf.toISOString() } : {};
    const started = await startBuiltService(service, { ...this.env, ...own, PORT: port }, 240_000);
    replica.current = started;
    replica.killedBySuite = false;
    const watched = replica;
    started.process.once('exit', (code, signal) => {
      if (watched.killedBySuite || watched.current !== started) return;
      watched.current = null;
      const tail = started.output().split('\n').slice(-15).join('\n');
      this.deaths.push(`${service}#${index} exited (code ${code}, signal ${signal}):\n${tail}`);
      this.options.log(`DIED: ${service}#${index} (code ${code}, signal ${signal})`);
      if (service === 'ingestion')
        this.markIngestionDied(`ingestion#${index} exited (code ${code}, signal ${signal})`);
    });
    return replica;
  }

  /** SIGKILLs one replica of the service and starts it again. */
  async killAndRestart(service: ServiceName): Promise<void> {
    const replica = this.replicas.find((r) => r.service === service && r.current !== null);
    if (!replica?.current) {
      this.options.log(`no live ${service} replica to kill`);
      return;
    }
    replica.killedBySuite = true;
    const exited = new Promise((resolve) => replica.current!.process.once('exit', resolve));
    replica.current.process.kill('SIGKILL');
    await exited;
    replica.current = null;
    await this.launch(service, replica.index);
  }

  url(service: ServiceName): string {
    const live = this.replicas.find((r) => r.service === service && r.current !== null);
    if (!live?.current) throw new Error(`no live ${service} process to ask`);
    return live.current.url;
  }

  endpoints(): DemoEndpoints {
    return {
      // Its fixed port: the table is still read when ingestion died.
      ingestion: `http://127.0.0.1:${this.options.ingestionPort}`,
      healthScoring: this.url('health-scoring'),
      alerting: this.url('alerting'),
      playbooks: this.url('playbooks'),
      reporting: this.url('reporting'),
    };
  }

  async createWorkspace(): Promise<{ writeKey: string; token: string }> {
    return createWorkspaceWithCli(
      'chaos',
      this.env,
      this.replicas.filter((r) => r.service !== 'ingestion' && r.current).map((r) => r.current!.url),
      { timeoutMs: 120_000, fallbackOwner: DEMO_DEFAULT_OWNER },
    );
  }

  async outcome(token: string, now: Date): Promise<Outcome> {
    const e = this.endpoints();
    const range = lastMonths(now, MONTHS);
    const accounts = await allPages<{ accountId: string; health: { score: number | null } }>(
      `${e.healthScoring}/v1/accounts`,
      token,
    );
    const kpiAnswer = await fetch(
      `${e.reporting}/v1/reports/kpis?from=${range[0]}&to=${range[range.length - 1]}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const kpis = ((await kpiAnswer.json()) as { months?: Record<string, unknown>[] }).months ?? [];
    const measures = new Map<string, Map<string, string>>();
    for (const a of accounts) {
      const answer = await fetch(`${e.healthScoring}/v1/accounts/${encodeURIComponent(a.accountId)}/health`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const health = (await answer.json()) as {
        measures?: { measureId: string; value: number | null; points: number | null }[];
      };
      measures.set(
        a.accountId,
        new Map((health.measures ?? []).map((m) => [m.measureId, `${m.value}/${m.points}`])),
      );
    }
    return {
      scores: new Map(accounts.map((a) => [a.accountId, a.health.score])),
      measures,
      kpis,
      openAlerts: await allPages(`${e.alerting}/v1/alerts?status=open`, token),
      runs: await allPages(`${e.playbooks}/v1/playbook-runs`, token),
      tasks: await allPages(`${e.playbooks}/v1/tasks`, token),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.replicas.map(async (r) => {
        const running = r.current;
        if (!running) return;
        r.killedBySuite = true;
        r.current = null;
        const timer = setTimeout(() => running.process.kill('SIGKILL'), 30_000);
        await running.stop();
        clearTimeout(timer);
      }),
    );
  }
}

/** Sends the calls through the Segment SDK to /v1/import; which message ids were acknowledged. */
async function sendThroughSdk(
  ingestionUrl: string,
  writeKey: string,
  calls: readonly GeneratedCall[],
  acknowledged: Set<string>,
) {
  const analytics = new Analytics({
    writeKey,
    host: ingestionUrl,
    path: '/v1/import',
    flushAt: 100,
    flushInterval: 200,
    maxRetries: 20,
    httpRequestTimeout: 30_000,
  });
  const failed: string[] = [];
  analytics.on('error', () => undefined);
  await Promise.all(
    calls.map(
      (call) =>
        new Promise<void>((resolve) => {
          const done = (error?: unknown) => {
            if (error) failed.push(call.messageId);
            else acknowledged.add(call.messageId);
            resolve();
          };
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
  await analytics.closeAndFlush({ timeout: 60_000 });
  return failed;
}

interface TopicMessage {
  readonly key: string | null;
  readonly partition: number;
  /** When the broker (or the producer) stamped it: places a doubled event against the faults. */
  readonly timestamp: number;
  readonly value: Record<string, unknown> | null;
  readonly headers: Record<string, string>;
}

/** Every message on the topics, from the beginning to their current end. */
async function readTopics(
  brokers: string[],
  topics: readonly string[],
): Promise<Map<string, TopicMessage[]>> {
  const kafka = new Kafka({ clientId: 'tsuzuku-chaos-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      for (const o of offsets) ends.set(`${topic}/${o.partition}`, Number(o.high));
    }
  } finally {
    await admin.disconnect();
  }
  const read = new Map<string, TopicMessage[]>(topics.map((t) => [t, []]));
  const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([k]) => k));
  if (remaining.size === 0) return read;
  const consumer = kafka.consumer({ groupId: `tsuzuku-chaos-reader-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const high = ends.get(`${topic}/${partition}`) ?? 0;
        if (Number(message.offset) >= high) return;
        read.get(topic)!.push({
          key: message.key?.toString() ?? null,
          partition,
          timestamp: Number(message.timestamp),
          value: message.value ? (JSON.parse(message.value.toString()) as Record<string, unknown>) : null,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v?.toString() ?? '')]),
          ),
        });
        if (Number(message.offset) === high - 1) remaining.delete(`${topic}/${partition}`);
      },
    });
    await waitFor(() => remaining.size === 0, {
      what: 'reading the topics to their end',
      timeoutMs: 180_000,
      intervalMs: 250,
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
}

/**
 * Keys whose messages' producedAt goes backwards on a topic, in partition order. On
 * cs.events.v1 the order to keep is the one within a request (its correlation id): two requests
 * in flight at once have no order between them.
 */
function orderViolations(topic: string, messages: readonly TopicMessage[]): string[] {
  const last = new Map<string, string>();
  const wrong: string[] = [];
  for (const m of messages) {
    const at = typeof m.value?.['producedAt'] === 'string' ? m.value['producedAt'] : null;
    if (m.key === null || at === null) continue;
    const scope = topic === 'cs.events.v1' ? `${m.key} ${String(m.value?.['correlationId'])}` : m.key;
    const before = last.get(scope);
    if (before !== undefined && at < before) wrong.push(`${m.key}: ${at} after ${before}`);
    last.set(scope, at);
  }
  return wrong;
}

/** How many entries of the list share a key with an earlier one. */
function duplicates<T>(items: readonly T[], key: (item: T) => string): string[] {
  const seen = new Set<string>();
  const doubled: string[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) doubled.push(k);
    seen.add(k);
  }
  return doubled;
}

/** The differences between two multisets of keys, as "key: a vs b". */
function multisetDifferences(a: readonly string[], b: readonly string[]): string[] {
  const count = (list: readonly string[]) => {
    const m = new Map<string, number>();
    for (const k of list) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  return [...new Set([...ca.keys(), ...cb.keys()])]
    .filter((k) => ca.get(k) !== cb.get(k))
    .map((k) => `${k}: ${ca.get(k) ?? 0} vs ${cb.get(k) ?? 0}`);
}

const KPI_KEYS = [...MRR_FIGURES, 'logoChurnRate', 'grr', 'nrr', 'nps', 'mau', 'activeAccounts'];

function kpiDifferences(base: CustomerBase, now: Date, kpis: readonly Record<string, unknown>[]): string[] {
  const expected = independentKpis(base, lastMonths(now, MONTHS));
  if (kpis.length !== expected.length) return [`${kpis.length} months reported, ${expected.length} expected`];
  const wrong: string[] = [];
  expected.forEach((want, i) => {
    for (const key of KPI_KEYS) {
      const raw = kpis[i]![key];
      const got = raw === null || raw === undefined ? null : Number(raw);
      const value = want.values[key] ?? null;
      const same = value === null || got === null ? value === got : Math.abs(value - got) < 1e-6;
      if (!same) wrong.push(`${want.month} ${key}: ${got} vs ${value}`);
    }
  });
  return wrong;
}

/** When the copies of the first doubled events were written, and how many second copies per second. */
function copiesWritten(events: readonly TopicMessage[], doubled: readonly string[]): string {
  const wanted = new Set(doubled);
  const times = new Map<string, number[]>();
  for (const m of events) {
    const id = (m.value?.['data'] as { messageId?: string } | undefined)?.messageId ?? '';
    if (wanted.has(id)) times.set(id, [...(times.get(id) ?? []), m.timestamp]);
  }
  const iso = (t: number) => new Date(t).toISOString().slice(11, 23);
  const perSecond = new Map<string, number>();
  for (const copies of times.values())
    for (const t of copies.slice(1))
      perSecond.set(iso(t).slice(0, 8), (perSecond.get(iso(t).slice(0, 8)) ?? 0) + 1);
  const first = [...times].slice(0, 5).map(([id, copies]) => `${id} at ${copies.map(iso).join(' and ')}`);
  return `${first.join('; ')}; later copies per second: ${[...perSecond].map(([s, n]) => `${s} ${n}`).join(', ')}`;
}

/** The measures whose value or points differ between two runs: "id value/points vs value/points". */
function measureDifferences(
  ours: ReadonlyMap<string, string> | undefined,
  theirs: ReadonlyMap<string, string> | undefined,
): string {
  const ids = new Set([...(ours?.keys() ?? []), ...(theirs?.keys() ?? [])]);
  return [...ids]
    .filter((id) => ours?.get(id) !== theirs?.get(id))
    .map((id) => `${id} ${ours?.get(id) ?? '-'} vs ${theirs?.get(id) ?? '-'}`)
    .join(', ');
}

function check(name: string, wrong: readonly string[], informational = false): ChaosCheck {
  return { check: name, wrong: wrong.length, detail: wrong.slice(0, 5).join('; '), informational };
}

async function applyFault(
  fault: ChaosFault,
  stack: Stack,
  kafka: PrivateKafka,
  postgres: PrivatePostgres,
  database: string,
  log: (line: string) => void,
): Promise<void> {
  switch (fault.kind) {
    case 'kill':
      log(`fault: SIGKILL ${fault.service} mid-batch, then restart it`);
      return stack.killAndRestart(fault.service);
    case 'cut-connections':
      log(`fault: cut every database connection (${await postgres.cutConnections(database)} cut)`);
      return;
    case 'restart-postgres':
      log('fault: restart the private Postgres');
      postgres.restart();
      return;
    case 'restart-kafka':
      log('fault: stop the private broker, then start it again');
      await kafka.stop();
      await kafka.start();
      return;
    case 'join-replica': {
      const index =
        Math.max(...stack.replicas.filter((r) => r.service === fault.service).map((r) => r.index)) + 1;
      log(`fault: a replica #${index} of ${fault.service} joins (rebalance)`);
      await stack.launch(fault.service, index);
      return;
    }
  }
}

/** Deletes a private broker's data so the next start is a fresh cluster. */
function resetKafka(kafka: PrivateKafka): void {
  fs.rmSync(path.join(REPO_ROOT, '.tsuzuku', 'kafka', 'instances', kafka.name), {
    recursive: true,
    force: true,
  });
}

/** Runs the history through the services once; the faults strike while it is being sent. */
async function runHistory(
  options: ChaosOptions,
  base: CustomerBase,
  kafka: PrivateKafka,
  postgres: PrivatePostgres,
  database: string,
  replicas: number,
  faults: readonly ChaosFault[],
) {
  const log = options.log;
  await kafka.stop();
  resetKafka(kafka);
  await kafka.start();
  const stack = new Stack(options, kafka, postgres, database, base.options.now);
  try {
    log(`${database}: starting the services (${replicas} replica(s) of each consuming one)`);
    await stack.start(replicas);
    const workspace = await stack.createWorkspace();
    await configureDemoWorkspace(stack.endpoints(), workspace.token, base);
    // The history in as many slices as faults + 1; each fault strikes while its slice is in flight,
    // once the consumers have work in hand (mid-batch).
    const slices = faults.length + 1;
    const size = Math.ceil(base.calls.length / slices);
    const acknowledged = new Set<string>();
    const failed: string[] = [];
    const ingestionUrl = `http://127.0.0.1:${options.ingestionPort}`;
    log(`${database}: sending ${base.calls.length} events through the Segment SDK`);
    // The SDK retries for minutes against a dead ingestion: a death ends the sending at once.
    let ingestionDied: string | null = null;
    const died = stack.ingestionDied.then((what) => {
      ingestionDied = what;
      return [] as string[];
    });
    for (let s = 0; s < slices && ingestionDied === null; s++) {
      const slice = base.calls.slice(s * size, (s + 1) * size);
      const sending = sendThroughSdk(ingestionUrl, workspace.writeKey, slice, acknowledged);
      const fault = faults[s];
      if (fault) {
        // Mid-batch: once ingestion has accepted a quarter of the slice, the consumers have work in hand.
        const before = acknowledged.size;
        await waitFor(() => acknowledged.size - before >= Math.ceil(slice.length / 4), {
          what: 'a quarter of the slice to be acknowledged',
          timeoutMs: 300_000,
          intervalMs: 20,
        }).catch(() => log('the fault strikes without a quarter of its slice acknowledged'));
        await applyFault(fault, stack, kafka, postgres, database, log);
      }
      failed.push(...(await Promise.race([sending, died])));
    }
    if (ingestionDied !== null) {
      const unacknowledged = base.calls.filter((c) => !acknowledged.has(c.messageId)).map((c) => c.messageId);
      failed.splice(0, failed.length, ...unacknowledged);
      log(
        `${database}: ${ingestionDied as string} while the history was being sent: sending stopped, ${unacknowledged.length} call(s) never acknowledged`,
      );
    }
    log(`${database}: ${acknowledged.size} acknowledged, ${failed.length} refused; waiting for the pipeline`);
    // Why the pipeline did not settle; null when it did.
    let stalled: string | null = null;
    try {
      await waitForCatchUp(kafka.brokers, PIPELINE_CONSUMER_GROUPS, { timeoutMs: options.catchUpTimeoutMs });
      const endpoints = stack.endpoints();
      await waitForSettled(endpoints, workspace.token, { timeoutMs: 180_000 });
    } catch (error) {
      stalled = (error as Error).message;
      log(`${database}: the pipeline did not settle: ${stalled}`);
    }
    const outcome = await stack.outcome(workspace.token, base.options.now);
    const topics = await readTopics(kafka.brokers, [...ORDERED_TOPICS, ...DEAD_LETTER_TOPICS]);
    return { stack, acknowledged, failed, caughtUp: stalled === null, stalled, outcome, topics };
  } finally {
    await stack.stop();
  }
}

/** The chaos suite; never throws for a finding, only reports it. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log;
  const base = generateCustomerBase({ accounts: options.accounts, months: MONTHS, seed: options.seed });
  // Named by its port: the long and the short scenario can run side by side in one checkout.
  const kafka = new PrivateKafka(`chaos-${options.kafkaPort}`, options.kafkaPort);
  const postgres = new PrivatePostgres(options.postgresPort);
  log(`private Postgres on ${options.postgresPort}, private Kafka on ${options.kafkaPort}`);
  postgres.start();
  try {
    let clean: Outcome | null = null;
    if (options.compareWithCleanRun) {
      const run = await runHistory(options, base, kafka, postgres, 'chaos_clean', 1, []);
      clean = run.outcome;
      if (run.stack.deaths.length > 0 || !run.caughtUp)
        log(`the clean run itself failed: ${run.stack.deaths.length} death(s), caught up: ${run.caughtUp}`);
    }
    const run = await runHistory(options, base, kafka, postgres, 'chaos_faults', 2, options.faults);
    const events = run.topics.get('cs.events.v1')!;
    const messageIds = events.map((m) => {
      const data = m.value?.['data'] as { messageId?: string } | undefined;
      return data?.messageId ?? '';
    });
    const onTopic = new Set(messageIds);
    const lost = [...run.acknowledged].filter((id) => !onTopic.has(id));
    const doubled = duplicates(messageIds, (id) => id);
    if (doubled.length > 0)
      log(`doubled on cs.events.v1, when each copy was written: ${copiesWritten(events, doubled)}`);
    const deaths = run.stack.deaths;
    const o = run.outcome;
    const checks: ChaosCheck[] = [
      check('pipeline caught up and settled', run.stalled === null ? [] : [run.stalled]),
      check('every call acknowledged', run.failed),
      check(
        'every account scored',
        base.accounts
          .filter((a) => o.scores.get(a.id) === null || o.scores.get(a.id) === undefined)
          .map((a) => a.id),
      ),
      check('KPIs equal the independent computation', kpiDifferences(base, base.options.now, o.kpis)),
      check(
        'one open alert per account and rule',
        duplicates(o.openAlerts, (a) => `${a.accountId}/${a.ruleType}`),
      ),
      check(
        'one run per trigger',
        duplicates(o.runs, (r) => `${r.accountId}/${r.playbookName}/${r.trigger.type}/${r.trigger.ref}`),
      ),
      check(
        'each task once',
        duplicates(
          o.tasks.filter((t) => t.runId !== null),
          (t) => `${t.runId}/${t.stepId}`,
        ),
      ),
      ...ORDERED_TOPICS.map((topic) =>
        check(`per-key order on ${topic}`, orderViolations(topic, run.topics.get(topic)!)),
      ),
      check(
        'nothing dead-lettered',
        DEAD_LETTER_TOPICS.flatMap((t) =>
          run.topics
            .get(t)!
            .map(
              (m) =>
                `${t}: ${m.key} from ${m.headers[Header.DeadLetterConsumerGroup]} (${m.headers[Header.DeadLetterErrorCode]}: ${m.headers[Header.DeadLetterReason]})`,
            ),
        ),
      ),
    ];
    if (clean) {
      const c = clean;
      checks.push(
        check(
          'scores equal the clean run',
          base.accounts
            .filter((a) => o.scores.get(a.id) !== c.scores.get(a.id))
            .map(
              (a) =>
                `${a.id}: ${o.scores.get(a.id)} vs ${c.scores.get(a.id)} (${measureDifferences(o.measures.get(a.id), c.measures.get(a.id))})`,
            ),
        ),
        check(
          'open alerts equal the clean run',
          multisetDifferences(
            o.openAlerts.map((a) => `${a.accountId}/${a.ruleType}`),
            c.openAlerts.map((a) => `${a.accountId}/${a.ruleType}`),
          ),
          true,
        ),
        check(
          'runs equal the clean run',
          multisetDifferences(
            o.runs.map((r) => `${r.accountId}/${r.playbookName}`),
            c.runs.map((r) => `${r.accountId}/${r.playbookName}`),
          ),
          true,
        ),
        check(
          'tasks equal the clean run',
          multisetDifferences(
            o.tasks.map((t) => `${t.accountId}/${t.title}`),
            c.tasks.map((t) => `${t.accountId}/${t.title}`),
          ),
          true,
        ),
      );
    }
    const result = {
      sent: base.calls.length,
      acknowledged: run.acknowledged.size,
      onTopic: onTopic.size,
      lost: lost.length,
      doubled: doubled.length,
      died: deaths.length,
      deaths,
      checks,
    };
    return {
      ...result,
      ok:
        result.lost === 0 &&
        result.doubled === 0 &&
        result.died === 0 &&
        checks.every((c) => c.wrong === 0 || c.informational),
    };
  } finally {
    await kafka.stop();
    resetKafka(kafka);
    postgres.remove();
  }
}

/** The table the suite prints. */
export function chaosTable(result: ChaosResult): string {
  const rows: [string, string | number, string][] = [
    ['events sent', result.sent, ''],
    ['events acknowledged', result.acknowledged, ''],
    ['events on the topic', result.onTopic, ''],
    ['lost (must be 0)', result.lost, result.lost === 0 ? 'ok' : 'FAIL'],
    ['doubled (must be 0)', result.doubled, result.doubled === 0 ? 'ok' : 'FAIL'],
    ['processes that died (must be 0)', result.died, result.died === 0 ? 'ok' : 'FAIL'],
    ...result.checks.map((c): [string, number, string] => [
      c.check,
      c.wrong,
      c.wrong === 0
        ? 'ok'
        : `${c.informational ? 'differs (not a failure)' : 'FAIL'} ${c.detail}`.slice(0, 240),
    ]),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    `| ${'measure'.padEnd(width)} | value | verdict`,
    `| ${'-'.repeat(width)} | ----- | -------`,
    ...rows.map(
      ([name, value, verdict]) => `| ${name.padEnd(width)} | ${String(value).padStart(5)} | ${verdict}`,
    ),
  ].join('\n');
}
