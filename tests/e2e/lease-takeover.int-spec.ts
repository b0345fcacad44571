import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { leaseTableSql } from '@tsuzuku/platform-database';
import { TestDatabase, createTestDatabase, waitFor } from '@tsuzuku/platform-testing';

const SCHEMA = 'lease_test';
const TTL_MS = 2_000;
/** A SIGKILLed holder's lease expires within the TTL; the others try every third of it. */
const TAKEOVER_BOUND_MS = Math.round((TTL_MS * 4) / 3);
/** What a loaded test machine may add (scheduling, a query's latency). */
const SLACK_MS = 3_000;
const FIXTURE = path.join(__dirname, 'fixtures', 'lease-holder.cjs');

/**
 * Replicas as processes (the built platform's JobRunner) sharing one lease table: a
 * once-per-cluster job runs on one of them only, another takes over after a SIGKILL within the
 * bounded time, and a graceful stop hands the lease over at once.
 */
describe('background jobs once per cluster', () => {
  let db: TestDatabase;
  const replicas: ChildProcess[] = [];

  function startReplica(holder: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [FIXTURE, db.url, SCHEMA, holder, String(TTL_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    replicas.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`${holder} exited (${code}): ${stderr}`)));
    });
  }

  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );

  async function runsBy(holder: string): Promise<number> {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${SCHEMA}.runs WHERE holder = $1`,
      [holder],
    );
    return row!.n;
  }

  beforeAll(async () => {
    db = await createTestDatabase('lease_takeover');
    await db.query(`CREATE SCHEMA ${SCHEMA}`);
    await db.query(leaseTableSql(SCHEMA).up);
    await db.query(`CREATE TABLE ${SCHEMA}.runs (id bigserial PRIMARY KEY, holder text NOT NULL)`);
  });

  afterAll(async () => {
    for (const child of replicas)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(replicas.map(exited));
    await db?.drop();
  });

  it('runs on one replica only, and another takes over within the bound after a SIGKILL', async () => {
    const a = await startReplica('replica-a');
    await waitFor(async () => (await runsBy('replica-a')) > 0, { what: 'a first run on replica-a' });
    await startReplica('replica-b');
    // replica-b asks for the lease every TTL/3; let replica-a run through several of those periods.
    const before = await runsBy('replica-a');
    await waitFor(async () => (await runsBy('replica-a')) >= before + 20, {
      what: 'twenty more runs on replica-a',
    });
    expect(await runsBy('replica-b')).toBe(0);

    a.kill('SIGKILL');
    const killedAt = Date.now();
    await exited(a);
    const afterKill = await runsBy('replica-a');
    await waitFor(async () => (await runsBy('replica-b')) > 0, {
      timeoutMs: TAKEOVER_BOUND_MS + SLACK_MS,
      intervalMs: 20,
      what: 'replica-b to take the job over',
    });
    const takeoverMs = Date.now() - killedAt;
    process.stdout.write(
      `[lease] takeover after SIGKILL: ${takeoverMs} ms (TTL ${TTL_MS} ms, bound ${TAKEOVER_BOUND_MS} ms)\n`,
    );
    expect(takeoverMs).toBeLessThan(TAKEOVER_BOUND_MS + SLACK_MS);
    expect(await runsBy('replica-a')).toBe(afterKill);
  });

  it('hands the lease over at once on a graceful stop', async () => {
    const [b] = replicas.filter((c) => c.exitCode === null && c.signalCode === null);
    await startReplica('replica-c');
    b!.kill('SIGTERM');
    await exited(b!);
    expect(b!.exitCode).toBe(0);
    // Released, not left to expire: no row of replica-b's is left.
    expect(await db.query(`SELECT holder FROM ${SCHEMA}.leases WHERE holder = 'replica-b'`)).toEqual([]);
    await waitFor(async () => (await runsBy('replica-c')) > 0, {
      timeoutMs: TAKEOVER_BOUND_MS + SLACK_MS,
      what: 'replica-c to take the job over',
    });
  });
});
