import { randomUUID } from 'node:crypto';
import { verifyWebhook } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { ConsumerRunner, EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  ALLOW_LOOPBACK_RECEIVERS,
  RunningTestService,
  TestDatabase,
  apiClient,
  createTestDatabase,
  issueTestApiToken,
  startTestService,
  waitFor,
  waitForRows,
} from '@tsuzuku/platform-testing';
import { PlaybooksConfig } from '../src/config/playbooks.config';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { RunEngine } from '../src/engine/run-engine';
import { playbooksService } from '../src/service';
import { Received, profiledAlert, startReceiver } from './signals';

const SECRET = 'whsec_durability_test_0001';

/**
 * The engine's guarantees on the real Kafka and Postgres: a wait fires once across a restart of
 * the service, and two instances running at once never execute the same step twice.
 */
describe('playbook engine durability', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  let db: TestDatabase;
  let connection: KafkaConnection;
  let publisher: EventPublisher;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const services: RunningTestService<PlaybooksConfig>[] = [];
  let token = '';
  const api = apiClient(
    () => services[0]!.url,
    () => token,
  );

  const start = async (env: Record<string, string> = {}) => {
    const service = await startTestService(playbooksService, {
      DATABASE_URL: db.url,
      PLAYBOOK_TICK_MS: '100',
      ...ALLOW_LOOPBACK_RECEIVERS,
      ...env,
    });
    services.push(service);
    return service;
  };
  const stopAll = async () => {
    while (services.length > 0) await services.pop()!.close();
  };
  const byKey = (received: readonly Received[]) => {
    const counts = new Map<string, number>();
    for (const r of received) {
      const key = String(r.headers['idempotency-key']);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };

  beforeAll(async () => {
    db = await createTestDatabase('playbooks_durability');
    // /flaky fails twice then answers; /down always fails.
    const flaky = new Map<string, number>();
    receiver = await startReceiver((r) => {
      if (r.path === '/down') return 500;
      if (r.path !== '/flaky') return 200;
      const key = String(r.headers['idempotency-key']);
      flaky.set(key, (flaky.get(key) ?? 0) + 1);
      return flaky.get(key)! <= 2 ? 503 : 200;
    });
    connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: brokers.join(',') }),
      'playbooks-durability-test',
    );
    publisher = new EventPublisher(connection);
    const first = await start();
    await first.app.get(ConsumerRunner).whenJoined(PLAYBOOKS_SIGNALS_CONSUMER);
    token = await issueTestApiToken(publisher, first.url, workspaceId, ['read', 'write']);
  });

  afterAll(async () => {
    await stopAll();
    await publisher?.onApplicationShutdown();
    await receiver?.close();
    await db?.drop();
  });

  it('fires a wait of a few seconds exactly once across a restart of the service', async () => {
    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Usage drop ping',
      trigger: { type: 'alert_raised', ruleType: 'usage_drop' },
      steps: [
        { id: 'pause', type: 'wait', duration: 'PT3S' },
        { id: 'ping', type: 'webhook', url: `${receiver.url}/restart`, secrets: [SECRET] },
      ],
    });
    expect(created.status).toBe(201);
    await publisher.publish(profiledAlert(workspaceId, 'acct-restart', 'usage_drop'));
    const run = await waitFor(
      async () =>
        (
          await db.query<{ id: string; wait_started_at: Date | null }>(
            `SELECT id, wait_started_at FROM playbooks.runs WHERE account_id = 'acct-restart' AND current_step = 'pause' AND wait_started_at IS NOT NULL`,
          )
        )[0],
      { what: 'the run to be waiting' },
    );
    await stopAll();
    // The wait falls due while the service is down (a fact on the database clock, not a sleep).
    await waitForRows(
      db,
      `SELECT 1 FROM playbooks.runs WHERE id = $1 AND wait_started_at + interval '3 seconds' < now()`,
      [run.id],
      { what: 'the wait to fall due while the service is down' },
    );
    // Past its time while the service was down: nothing fired.
    expect(receiver.received.filter((r) => r.path === '/restart')).toHaveLength(0);

    const again = await start();
    await waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM playbooks.runs WHERE id = $1 AND status = 'completed'`, [run.id]))
          .length === 1,
      {
        what: 'the run to complete after the restart',
      },
    );
    // A second firing would come from a later tick: run two here instead of waiting for them.
    await again.app.get(RunEngine).tick();
    await again.app.get(RunEngine).tick();
    const pings = receiver.received.filter((r) => r.path === '/restart');
    expect(pings).toHaveLength(1);
    expect(pings[0]!.headers['idempotency-key']).toBe(`${run.id}:ping`);
    expect(verifyWebhook(pings[0]!.body, String(pings[0]!.headers['tsuzuku-signature']), SECRET).ok).toBe(
      true,
    );
    expect(JSON.parse(pings[0]!.body)).toMatchObject({
      runId: run.id,
      stepId: 'ping',
      account: { id: 'acct-restart' },
    });
    const executions = await db.query<{ step_id: string; n: number }>(
      `SELECT step_id, count(*)::int AS n FROM playbooks.step_executions WHERE run_id = $1 GROUP BY step_id ORDER BY step_id`,
      [run.id],
    );
    expect(executions).toEqual([
      { step_id: 'pause', n: 1 },
      { step_id: 'ping', n: 1 },
    ]);
    const view = await apiClient(
      () => again.url,
      () => token,
    )<{ items: { status: string }[] }>('GET', '/v1/playbook-runs?accountId=acct-restart');
    expect(view.body.items[0]!.status).toBe('completed');
  });

  it('never executes a step twice with two instances running at once', async () => {
    await stopAll();
    await start({ PLAYBOOK_BATCH_SIZE: '3' });
    await start({ PLAYBOOK_BATCH_SIZE: '3' });
    // Count what each instance claims, to see that both took part.
    const claimed = services.map((service) => {
      const engine = service.app.get(RunEngine);
      const tick = engine.tick.bind(engine);
      const counter = { runs: 0 };
      jest.spyOn(engine, 'tick').mockImplementation(async (now?: Date) => {
        const n = await tick(now);
        counter.runs += n;
        return n;
      });
      return counter;
    });
    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Detractor follow-up',
      trigger: { type: 'alert_raised', ruleType: 'nps_detractor' },
      steps: [
        { id: 'first', type: 'webhook', url: `${receiver.url}/pair`, secrets: [SECRET] },
        { id: 'pause', type: 'wait', duration: 'PT1S' },
        { id: 'second', type: 'webhook', url: `${receiver.url}/pair`, secrets: [SECRET] },
        { id: 'slack', type: 'notify', url: `${receiver.url}/pair`, text: 'Detractor at {{account.id}}' },
      ],
    });
    expect(created.status).toBe(201);
    const accounts = Array.from({ length: 30 }, (_, i) => `acct-pair-${i}`);
    await publisher.publish(accounts.flatMap((a) => profiledAlert(workspaceId, a, 'nps_detractor')));
    await waitFor(
      async () =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM playbooks.runs WHERE playbook_id = $1 AND status = 'completed'`,
            [created.body.id],
          )
        )[0]!.n === accounts.length,
      { what: 'every run to complete', timeoutMs: 40_000 },
    );
    // Anything still to fire would fire on the next tick of either instance: run one of each.
    for (const service of services) await service.app.get(RunEngine).tick();
    const counts = byKey(receiver.received.filter((r) => r.path === '/pair'));
    expect(counts.size).toBe(accounts.length * 3);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const executions = await db.query<{ n: number; runs: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT e.run_id)::int AS runs FROM playbooks.step_executions e
       JOIN playbooks.runs r ON r.id = e.run_id WHERE r.playbook_id = $1`,
      [created.body.id],
    );
    expect(executions[0]).toEqual({ n: accounts.length * 4, runs: accounts.length });
    expect(claimed.every((c) => c.runs > 0)).toBe(true);
  });

  it('retries a failing step with backoff under one idempotency key, and fails the run when attempts run out', async () => {
    await stopAll();
    await start({ PLAYBOOK_RETRY_BASE_MS: '100', PLAYBOOK_STEP_MAX_ATTEMPTS: '3' });
    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Churn risk hooks',
      trigger: { type: 'alert_raised', ruleType: 'renewal_risk' },
      steps: [
        { id: 'flaky', type: 'webhook', url: `${receiver.url}/flaky`, secrets: [SECRET] },
        { id: 'down', type: 'notify', url: `${receiver.url}/down`, text: 'renewal at risk' },
        { id: 'never', type: 'task', title: 'Not reached' },
      ],
    });
    expect(created.status).toBe(201);
    await publisher.publish(profiledAlert(workspaceId, 'acct-retry', 'renewal_risk'));
    const run = await waitFor(
      async () =>
        (
          await db.query<{ id: string; status: string; reason: string }>(
            `SELECT id, status, reason FROM playbooks.runs WHERE account_id = 'acct-retry' AND status <> 'running'`,
          )
        )[0],
      { what: 'the run to end', timeoutMs: 20_000 },
    );
    expect(run.status).toBe('failed');
    // In our words: neither the URL nor the receiver's answer.
    expect(run.reason).toBe('step down failed after 3 attempt(s): receiver answered 500');
    const flakyCalls = receiver.received.filter((r) => r.path === '/flaky');
    expect(flakyCalls).toHaveLength(3);
    expect(new Set(flakyCalls.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set([`${run.id}:flaky`]),
    );
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(3);
    const executions = await db.query<{ step_id: string; outcome: string; attempts: number }>(
      `SELECT step_id, outcome, attempts FROM playbooks.step_executions WHERE run_id = $1 ORDER BY executed_at, step_id`,
      [run.id],
    );
    expect(executions).toEqual([
      { step_id: 'flaky', outcome: 'succeeded', attempts: 3 },
      { step_id: 'down', outcome: 'failed', attempts: 3 },
    ]);
    expect(await db.query(`SELECT 1 FROM playbooks.tasks WHERE run_id = $1`, [run.id])).toEqual([]);
  });
});
