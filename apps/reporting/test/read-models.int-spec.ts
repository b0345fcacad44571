import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AccountUpdatedData,
  AnyEventEnvelope,
  CustomerEventData,
  EventEnvelope,
  EventRegistry,
  Topic,
} from '@tsuzuku/contracts';
import { ConsumerRunner, EventPublisher } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
  testEnvelope,
  waitForGroupToCatchUp,
} from '@tsuzuku/platform-testing';
import { ReportingConfig } from '../src/config/reporting.config';
import { daysInMonth, formatMonth, monthOf, monthStart } from '../src/kpis/domain/month';
import { READ_MODELS_GROUP } from '../src/read-models/consumer-groups';
import { isActivityOnly } from '../src/read-models/domain/event-rows';
import { HorizonKeeper } from '../src/read-models/horizon.keeper';
import { ReadModelWriter } from '../src/read-models/read-model.writer';
import { KpiService } from '../src/reports/kpi.service';
import { reportingService } from '../src/service';

const DAY_MS = 86_400_000;

/**
 * The read models against the real migrations, through the writer the consumer uses: a
 * redelivery changes nothing, the arrival order does not matter, the month totals kept by delta
 * equal the sums of the account months they come from, and a new month is filled in for the
 * accounts that did not move.
 */
describe('reporting read models', () => {
  let db: TestDatabase;
  let service: RunningTestService<ReportingConfig>;
  let writer: ReadModelWriter;
  let kpis: KpiService;
  const current = monthOf(Date.now());
  // Processed as if three months ago: the months after that are not derived yet.
  const then = monthStart(current - 3) + 5 * DAY_MS;
  const at = (monthsAgo: number, day: number) =>
    new Date(monthStart(current - monthsAgo) + (day - 1) * DAY_MS + 43_200_000).toISOString();

  beforeAll(async () => {
    db = await createTestDatabase('reporting_read_models');
    service = await startTestService(reportingService, { DATABASE_URL: db.url, GRPC_PORT: '0' });
    writer = service.app.get(ReadModelWriter);
    kpis = service.app.get(KpiService);
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  /** A workspace's events, with ids of their own: subscriptions, usage, surveys and profiles. */
  function events(workspaceId: string): AnyEventEnvelope[] {
    const envelope = <T extends AnyEventEnvelope['type'], D>(
      type: T,
      accountId: string,
      occurredAt: string,
      data: D,
    ) =>
      testEnvelope(
        type,
        workspaceId,
        accountId,
        data as unknown as EventRegistry[T],
        occurredAt,
      ) as unknown as EventEnvelope<T, D>;
    const track = (
      account: string,
      userId: string,
      event: string,
      occurredAt: string,
      properties: object = {},
    ) =>
      envelope<'customer.event.recorded', CustomerEventData>('customer.event.recorded', account, occurredAt, {
        call: 'track',
        messageId: randomUUID(),
        event,
        userId,
        anonymousId: null,
        properties: properties as Record<string, unknown>,
        traits: {},
        context: {},
        timestamp: occurredAt,
        receivedAt: occurredAt,
        sentAt: null,
        originalTimestamp: null,
      });
    const sub = (account: string, kind: string, id: string, mrr: number, occurredAt: string) =>
      track(account, `${account}-admin`, `Subscription ${kind}`, occurredAt, {
        subscription_id: id,
        mrr,
        currency: 'USD',
      });
    const profile = (account: string, segment: string, owner: string, occurredAt: string) =>
      envelope<'account.updated', AccountUpdatedData>('account.updated', account, occurredAt, {
        name: account,
        plan: null,
        mrr: null,
        seats: null,
        renewalDate: null,
        csmEmail: owner,
        segment,
        industry: null,
        phase: 'adoption',
        touchModel: 'low',
        firstSeenAt: occurredAt,
        lastSeenAt: occurredAt,
        health: {
          score: null,
          band: null,
          computedScore: null,
          coverage: 0,
          scorecardId: null,
          override: null,
        },
        signals: {
          asOf: occurredAt,
          metrics: {},
          lastSignInAt: null,
          activeUsers7d: 0,
          activeUsersPrev7d: 0,
          activeUsers30d: 0,
          events7d: 0,
          eventsPrev7d: 0,
          ticketDays: [],
          latestNps: null,
          onboardingCompletedAt: null,
        },
      });
    return [
      sub('x', 'Started', 'x1', 100, at(6, 3)),
      sub('y', 'Started', 'y1', 40, at(6, 9)),
      sub('y', 'Started', 'y2', 60, at(5, 2)),
      sub('x', 'Changed', 'x1', 80, at(5, 20)),
      sub('z', 'Started', 'z1', 500, at(5, 28)),
      sub('y', 'Cancelled', 'y1', 0, at(4, 1)),
      sub('x', 'Cancelled', 'x1', 0, at(4, 15)),
      sub('x', 'Started', 'x2', 120, at(4, 25)),
      ...[1, 2, 3].flatMap((d) => [
        track('x', 'ux', 'Signed In', at(5, d)),
        track('y', 'uy', 'Signed In', at(5, d + 1)),
      ]),
      track('z', 'ux', 'Signed In', at(5, 1)), // ux in two accounts on one day: one user, one user-day
      track('x', 'ux', 'Survey Responded', at(5, 4), { survey: 'nps', score: 4 }),
      track('x', 'ux', 'Survey Responded', at(5, 6), { survey: 'nps', score: 10 }),
      track('y', 'uy', 'Survey Responded', at(5, 6), { survey: 'csat', score: 4 }),
      profile('x', 'smb', 'ann@csm', at(6, 1)),
      profile('y', 'smb', 'bob@csm', at(6, 1)),
      profile('z', 'ent', 'ann@csm', at(6, 1)),
      profile('x', 'mid', 'ann@csm', at(4, 10)),
    ];
  }

  const report = (ws: string, filter = {}) => kpis.kpis(ws, current - 6, current, filter);

  it('takes each event repeated inside one Kafka batch once: the figures of every event sent once', async () => {
    await service.app.get(ConsumerRunner).whenJoined(READ_MODELS_GROUP);
    const publisher = service.app.get(EventPublisher);
    const ds = service.app.get(DataSource);
    const single = `ws-once-${randomUUID()}`;
    const doubled = `ws-twice-${randomUUID()}`;
    const once = events(single);
    const twice = events(doubled);
    await publisher.publish(once);
    // Each event twice in a row, in one send: both copies reach the consumer in one run.
    await publisher.publish(twice.flatMap((e) => [e, e]));
    await waitForGroupToCatchUp(READ_MODELS_GROUP, Topic.Events);
    // Claimed once each; the events whose only row is activity take no claim.
    const claimed = [...once, ...twice].filter((e) => !isActivityOnly(e)).map((e) => e.id);
    expect(claimed.length).toBeGreaterThan(0);
    expect(
      (
        await ds.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM reporting.inbox WHERE event_id = ANY($1::text[])',
          [[...once, ...twice].map((e) => e.id)],
        )
      )[0]!.n,
    ).toBe(new Set(claimed).size);
    const expected = await report(single);
    expect((await report(doubled)).months).toEqual(expected.months);
    const month5 = expected.months.find((m) => m.month === formatMonth(current - 5))!;
    expect(month5).toMatchObject({
      newMrr: 500,
      expansionMrr: 60,
      activeAccounts: 3,
      mau: 5,
      nps: 100,
      csat: 1,
    });
    const rows = (ws: string) =>
      ds.query(
        `SELECT (SELECT count(*) FROM reporting.subscription_events WHERE workspace_id = $1)::int AS subscriptions,
                (SELECT count(*) FROM reporting.survey_responses WHERE workspace_id = $1)::int AS surveys`,
        [ws],
      );
    expect(await rows(doubled)).toEqual(await rows(single));
    expect(await rows(doubled)).toEqual([{ subscriptions: 8, surveys: 3 }]);
  });

  it('gives the same figures whatever the order, however often events come, and fills in new months', async () => {
    const ws1 = `ws-a-${randomUUID()}`;
    const ws2 = `ws-b-${randomUUID()}`;
    const first = events(ws1);
    await writer.apply(first, then);
    const once = await report(ws1);
    // A redelivery of every event, in runs, changes nothing.
    await writer.apply(first.slice(0, 7), then);
    await writer.apply(first, then);
    expect(await report(ws1)).toEqual(once);

    // The same history in reverse order, one event per transaction.
    for (const e of [...events(ws2)].reverse()) await writer.apply([e], then);
    const reversed = await report(ws2);
    expect(reversed.months).toEqual(once.months);
    expect((await report(ws2, { segment: 'smb' })).months).toEqual(
      (await report(ws1, { segment: 'smb' })).months,
    );
    expect((await report(ws2, { owner: 'ann@csm' })).months).toEqual(
      (await report(ws1, { owner: 'ann@csm' })).months,
    );

    // Hand-checked: MRR x 100 → 80 (m-5) → 0 → 120 (m-4); y 40 → 100 (m-5) → 60 (m-4); z 500 (m-5).
    const month = (r: typeof once, monthsAgo: number) =>
      r.months.find((m) => m.month === formatMonth(current - monthsAgo))!;
    expect(month(once, 6)).toMatchObject({ startMrr: 0, endMrr: 140, newMrr: 140 });
    expect(month(once, 5)).toMatchObject({
      startMrr: 140,
      endMrr: 680,
      newMrr: 500,
      expansionMrr: 60,
      contractionMrr: 20,
    });
    // m-4: x churns (80) and comes back (120); y contracts by 40. S = {x, y, z}: x ends at 120.
    expect(month(once, 4)).toMatchObject({
      startMrr: 680,
      endMrr: 680,
      churnedMrr: 80,
      reactivationMrr: 120,
      contractionMrr: 40,
      logoChurnRate: 0,
    });
    // m-5 activity: ux {1,2,3,4,6} (in x and z; day 1 in both counts once), uy {2,3,4,6}, and the
    // admins who sent subscription events: x-admin {20}, y-admin {2}, z-admin {28}: 5 users, 12 user-days.
    expect(month(once, 5)).toMatchObject({ activeAccounts: 3, mau: 5, nps: 100, csat: 1 });
    expect(month(once, 5).dauAvg).toBeCloseTo(12 / daysInMonth(current - 5), 9);
    // Sliced: x is smb until m-4 (then mid), so the smb slice of m-4 is y alone.
    const smb = await report(ws1, { segment: 'smb' });
    expect(month(smb, 5)).toMatchObject({ startMrr: 140, endMrr: 180, activeAccounts: 2 });
    expect(month(smb, 4)).toMatchObject({ startMrr: 100, endMrr: 60, contractionMrr: 40, churnedMrr: 0 });

    // Derived three months ago: nothing after m-3 yet. A new month fills in the accounts still paying.
    expect(month(once, 1).endMrr).toBe(0);
    const keeper = service.app.get(HorizonKeeper);
    expect(await keeper.extend()).toBeGreaterThanOrEqual(6);
    const now = await report(ws1);
    for (const monthsAgo of [3, 2, 1, 0])
      expect(month(now, monthsAgo)).toMatchObject({
        startMrr: 680,
        endMrr: 680,
        grr: 1,
        nrr: 1,
        logoChurnRate: 0,
      });
    expect((await report(ws2)).months).toEqual(now.months);

    // The totals kept by delta are the sums of what they come from.
    const ds = service.app.get(DataSource);
    for (const ws of [ws1, ws2]) {
      const [kept, summed] = await Promise.all([
        ds.query(
          `SELECT month::text, sum(start_mrr)::text AS s, sum(end_mrr)::text AS e, sum(churned_mrr)::text AS c,
                  sum(start_accounts)::text AS n, sum(retained_mrr_12)::text AS r12
           FROM reporting.month_totals WHERE workspace_id = $1 GROUP BY month HAVING sum(start_mrr) + sum(end_mrr) + sum(start_mrr_12) > 0 ORDER BY month`,
          [ws],
        ),
        ds.query(
          `SELECT month::text, sum(start_mrr)::text AS s, sum(end_mrr)::text AS e, sum(churned_mrr)::text AS c,
                  count(*) FILTER (WHERE start_mrr > 0)::text AS n,
                  sum(CASE WHEN start_mrr_12 > 0 THEN least(end_mrr, start_mrr_12) ELSE 0 END)::text AS r12
           FROM reporting.account_months WHERE workspace_id = $1 GROUP BY month
           HAVING sum(start_mrr) + sum(end_mrr) + sum(start_mrr_12) > 0 ORDER BY month`,
          [ws],
        ),
      ]);
      expect(kept).toEqual(summed);
      const [activity, recomputed] = await Promise.all([
        ds.query(
          `SELECT month::text, users, user_days FROM reporting.activity_totals WHERE workspace_id = $1 ORDER BY month`,
          [ws],
        ),
        ds.query(
          `SELECT month::text, count(*)::int AS users, sum(bit_count(days::bit(32)))::int AS user_days
           FROM reporting.activity_users WHERE workspace_id = $1 GROUP BY month ORDER BY month`,
          [ws],
        ),
      ]);
      expect(activity).toEqual(recomputed);
    }
  }, 60_000);
});
