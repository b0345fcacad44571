import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { AccountUpdatedData, CustomerEventData, Topic } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { ConsumerRunner, EventPublisher, KafkaConnection, OutboxRelay } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  startTestService,
  waitFor,
  testCustomerEvent,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { SCORING_CONSUMER } from '../src/scoring/scoring.messaging';
import { RescoringService } from '../src/scoring/rescoring.service';
import { ScoringSweep } from '../src/scoring/scoring.sweep';
import { Clock } from '@tsuzuku/platform-runtime';

const DAY_MS = 86_400_000;

/**
 * The scoring engine on the real Kafka and Postgres: events published on cs.events.v1 become
 * scores; a replayed stretch of the topic changes nothing; the sweep moves a silent account
 * without any new event; an override survives recomputation and expires on time.
 */
describe('health scoring from cs.events.v1', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let connection: KafkaConnection;
  let publisher: EventPublisher;
  let admin: Admin;
  let health: TopicReader;

  // The events here are days old and tested on the live path: a horizon of a year keeps them live.
  const env = () => ({ DATABASE_URL: db.url, OVERRIDE_CHECK_MS: '200', BACKFILL_HORIZON_HOURS: '8760' });
  const start = async () => {
    service = await startTestService(healthScoringService, env());
    await service.app.get(ConsumerRunner).whenJoined(SCORING_CONSUMER);
  };

  const event = (accountId: string, daysAgo: number, data: Partial<CustomerEventData>) =>
    testCustomerEvent(workspaceId, accountId, new Date(Date.now() - daysAgo * DAY_MS).toISOString(), data);
  const group = (accountId: string, userId: string, traits: Record<string, unknown>) =>
    event(accountId, 30, { call: 'group', groupId: accountId, userId, traits });
  const track = (accountId: string, daysAgo: number, name: string, userId = 'u1', properties = {}) =>
    event(accountId, daysAgo, { event: name, userId, properties });

  const account = async (accountId: string) =>
    (
      await db.query<{
        score: string | null;
        computed_score: string | null;
        band: string | null;
        measures: { metric: string; value: number | null }[];
      }>(
        'SELECT score, computed_score, band, measures FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2',
        [workspaceId, accountId],
      )
    )[0];
  const state = async () => ({
    accounts: await db.query(
      'SELECT account_id, score, computed_score, band, coverage, onboarding_done, features_used FROM health_scoring.accounts WHERE workspace_id = $1 ORDER BY account_id',
      [workspaceId],
    ),
    days: await db.query(
      'SELECT * FROM health_scoring.account_days WHERE workspace_id = $1 ORDER BY account_id, day',
      [workspaceId],
    ),
    users: await db.query('SELECT count(*) FROM health_scoring.account_user_days WHERE workspace_id = $1', [
      workspaceId,
    ]),
    tickets: await db.query(
      'SELECT * FROM health_scoring.tickets WHERE workspace_id = $1 ORDER BY ticket_id',
      [workspaceId],
    ),
    history: await db.query('SELECT count(*) FROM health_scoring.score_history WHERE workspace_id = $1', [
      workspaceId,
    ]),
  });
  const committedAtEnd = async (ends: { partition: number; offset: string }[]) => {
    const [committed] = await admin.fetchOffsets({ groupId: SCORING_CONSUMER, topics: [Topic.Events] });
    const behind = ends.filter((end) => {
      const c = committed!.partitions.find((p) => p.partition === end.partition);
      return end.offset !== '0' && (c === undefined || BigInt(c.offset) < BigInt(end.offset));
    });
    if (behind.length > 0)
      throw new Error(`behind on ${JSON.stringify(behind)}: ${JSON.stringify(committed!.partitions)}`);
    return true;
  };

  beforeAll(async () => {
    db = await createTestDatabase('scoring');
    connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: brokers.join(',') }),
      'scoring-test',
    );
    publisher = new EventPublisher(connection);
    admin = new Kafka({ clientId: 'scoring-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await start();
    health = await new TopicReader(brokers).start([Topic.Health, Topic.Accounts]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await health?.stop();
    await service?.close();
    await publisher?.onApplicationShutdown();
    await admin?.disconnect();
    await db?.drop();
  });

  it('scores an account from its events, publishes the change, and a replayed stretch of the topic changes nothing', async () => {
    const before = await admin.fetchTopicOffsets(Topic.Events);
    const events = [
      group('acct-a', 'u1', { name: 'Acme', seats: 4, mrr: 900, plan: 'pro' }),
      ...[1, 2, 3, 5, 8].map((d) => track('acct-a', d, 'Signed In')),
      track('acct-a', 2, 'Signed In', 'u2'),
      track('acct-a', 3, 'Survey Responded', 'u2', { survey: 'nps', score: 9 }),
      track('acct-a', 4, 'Ticket Opened', 'u1', { ticket_id: 't-1', priority: 'P2' }),
      track('acct-a', 1, 'Ticket Resolved', 'u1', { ticket_id: 't-1' }),
    ];
    await publisher.publish(events);
    const scored = await waitFor(
      async () => {
        const a = await account('acct-a');
        return a?.score !== null &&
          a?.score !== undefined &&
          (
            await db.query<{ n: string }>(
              'SELECT count(*) AS n FROM health_scoring.inbox WHERE consumer = $1 AND event_id = ANY($2)',
              [SCORING_CONSUMER, events.map((e) => e.id)],
            )
          )[0]!.n === String(events.length)
          ? a
          : undefined;
      },
      { what: 'acct-a to be scored' },
    );
    expect(Number(scored.score)).toBeGreaterThan(0);
    const value = (metric: string) => scored.measures.find((m) => m.metric === metric)?.value;
    expect(value('sign_ins_7d')).toBe(5);
    expect(value('active_users_ratio_30d')).toBe(0.5);
    expect(value('latest_nps')).toBe(9);
    expect(value('open_tickets_30d')).toBe(0);
    const [changed] = await health.waitForMessages(
      (m) => m.key === `${workspaceId}:acct-a` && m.topic === Topic.Health,
    );
    expect(JSON.parse(changed!.value!)).toMatchObject({
      type: 'account.health.changed',
      data: { current: { score: Number(scored.score) } },
    });
    // The signals other services act on. In the last 7 days: u1 signed in on days 1, 2, 3 and 5
    // ago, u2 on day 2, plus the survey (day 3) and both ticket events (days 4 and 1): 8 events by
    // 2 users; the week before: the sign-in of day 8.
    const [updated] = await health.waitForMessages(
      (m) => m.key === `${workspaceId}:acct-a` && m.topic === Topic.Accounts,
    );
    const signals = (JSON.parse(updated!.value!) as { data: AccountUpdatedData }).data.signals;
    expect(signals).toMatchObject({
      activeUsers7d: 2,
      activeUsersPrev7d: 1,
      activeUsers30d: 2,
      events7d: 8,
      eventsPrev7d: 1,
      latestNps: 9,
      onboardingCompletedAt: null,
    });
    expect(signals.ticketDays).toEqual([
      { day: new Date(Date.now() - 4 * DAY_MS).toISOString().slice(0, 10), opened: 1, p1: 0 },
    ]);
    expect(signals.metrics['sign_ins_7d']).toBe(5);
    expect(signals.lastSignInAt?.slice(0, 10)).toBe(new Date(Date.now() - DAY_MS).toISOString().slice(0, 10));

    const ends = await admin.fetchTopicOffsets(Topic.Events);
    await waitFor(async () => (await committedAtEnd(ends)) || undefined, { what: 'the consumer to commit' });
    const snapshot = await state();

    // Replay: rewind the group to where the stretch began and read it again.
    await service.close();
    await admin.setOffsets({
      groupId: SCORING_CONSUMER,
      topic: Topic.Events,
      partitions: before.map((p) => ({ partition: p.partition, offset: p.offset })),
    });
    await start();
    await waitFor(async () => (await committedAtEnd(ends)) || undefined, { what: 'the replay to be read' });
    expect(await state()).toEqual(snapshot);
  });

  it('attributes the events of a user who had no account yet once the group call arrives', async () => {
    const orphan = { ...track('x', 1, 'Signed In', 'late-user'), accountId: null };
    await publisher.publish([orphan]);
    await waitFor(
      async () => {
        const rows = await db.query('SELECT 1 FROM health_scoring.unattributed_events WHERE event_id = $1', [
          orphan.id,
        ]);
        return rows.length === 1 || undefined;
      },
      { what: 'the orphan event to be kept' },
    );
    await publisher.publish([group('acct-late', 'late-user', { name: 'Late Ltd', seats: 2 })]);
    const late = await waitFor(
      async () => {
        const a = await account('acct-late');
        return a && a.measures.find((m) => m.metric === 'sign_ins_7d')?.value === 1 ? a : undefined;
      },
      { what: 'the kept sign-in to count for acct-late' },
    );
    expect(late.measures.find((m) => m.metric === 'active_users_ratio_30d')?.value).toBe(0.5);
  });

  it('moves a silent account down on the sweep, without any new event', async () => {
    await publisher.publish([
      group('acct-quiet', 'q1', { name: 'Quiet Inc', seats: 2 }),
      ...[0, 1, 2].map((d) => track('acct-quiet', d, 'Signed In', 'q1')),
    ]);
    const now = await waitFor(
      async () => {
        const a = await account('acct-quiet');
        return a && a.measures.find((m) => m.metric === 'sign_ins_7d')?.value === 3 ? a : undefined;
      },
      { what: 'acct-quiet to be scored' },
    );
    const clock = service.app.get(Clock);
    const in45Days = new Date(Date.now() + 45 * DAY_MS);
    jest.spyOn(clock, 'now').mockReturnValue(in45Days);
    try {
      await service.app.get(ScoringSweep).sweep();
    } finally {
      jest.restoreAllMocks();
    }
    const later = (await account('acct-quiet'))!;
    expect(Number(later.computed_score)).toBeLessThan(Number(now.computed_score));
    expect(later.measures.find((m) => m.metric === 'days_since_last_sign_in')?.value).toBeGreaterThanOrEqual(
      44,
    );
    const [last] = await db.query<{ reason: string }>(
      'SELECT reason FROM health_scoring.score_history WHERE workspace_id = $1 AND account_id = $2 ORDER BY id DESC LIMIT 1',
      [workspaceId, 'acct-quiet'],
    );
    expect(last!.reason).toBe('sweep');
  });

  it('announces on the sweep only the accounts whose state changed', async () => {
    const relay = service.app.get(OutboxRelay);
    const sweep = service.app.get(ScoringSweep);
    const published = async () =>
      (await health.endOffsets(['cs.accounts.v1']))[0]!.offsets.reduce((n, o) => n + Number(o.high), 0);
    jest.spyOn(service.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 60 * DAY_MS));
    try {
      await relay.flush();
      const before = await published();
      // Time moved on (days since the last sign-in grew): the accounts that signed in change.
      expect(await sweep.sweep()).toBeGreaterThan(0);
      await relay.flush();
      const afterFirst = await published();
      expect(afterFirst).toBeGreaterThan(before);
      // The same instant again: nothing changed, nothing is announced.
      await sweep.sweep();
      await relay.flush();
      expect(await published()).toBe(afterFirst);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('keeps an override through recomputation and ends it on time', async () => {
    const engine = service.app.get(RescoringService);
    const before = (await account('acct-a'))!;
    await db.query(
      `INSERT INTO health_scoring.overrides (id, workspace_id, account_id, score, reason, author, expires_at)
       VALUES ($1, $2, 'acct-a', 12, 'exec sponsor left', 'csm@example.com', now() + interval '3 seconds')`,
      [randomUUID(), workspaceId],
    );
    await engine.rescoreAccount(workspaceId, 'acct-a', 'override set');
    expect(Number((await account('acct-a'))!.score)).toBe(12);

    await publisher.publish([track('acct-a', 0, 'Signed In', 'u3')]);
    const recomputed = await waitFor(
      async () => {
        const a = await account('acct-a');
        return a && a.measures.find((m) => m.metric === 'sign_ins_7d')?.value === 6 ? a : undefined;
      },
      { what: 'the new sign-in to be scored' },
    );
    expect(Number(recomputed.score)).toBe(12);
    expect(Number(recomputed.computed_score)).not.toBe(12);

    const expired = await waitFor(
      async () => {
        const a = await account('acct-a');
        return a && Number(a.score) !== 12 ? a : undefined;
      },
      { what: 'the override to expire', timeoutMs: 10_000 },
    );
    expect(expired.score).toBe(expired.computed_score);
    expect(Number(expired.computed_score)).toBeGreaterThanOrEqual(Number(before.computed_score));
    const [ended] = await db.query<{ ended_why: string }>(
      'SELECT ended_why FROM health_scoring.overrides WHERE workspace_id = $1 AND account_id = $2',
      [workspaceId, 'acct-a'],
    );
    expect(ended!.ended_why).toBe('expired');
  });
});
