import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase, testCustomerEvent } from '@tsuzuku/platform-testing';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { AccountsService } from '../../src/accounts/accounts.service';
import { healthScoringDatabase } from '../../src/database/health-scoring.database';
import { PredictionsRepository } from '../../src/predictions/predictions.repository';
import { BackfillService } from '../../src/scoring/backfill.service';
import { EventIntakeService } from '../../src/scoring/event-intake.service';
import { OverrideRepository } from '../../src/scoring/override.repository';
import { OwnerAssigner, Rescorer } from '../../src/scoring/ports';
import { RescoringService } from '../../src/scoring/rescoring.service';
import { groupCall, mediumConfig, newWorkspace, signIn, scoringEngine } from './factories';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const subscription = (ws: string, accountId: string, at: Date, event: string, mrr: number, id = 'sub-1') =>
  testCustomerEvent(ws, accountId, at.toISOString(), {
    event,
    properties: { mrr, currency: 'USD', subscription_id: id },
  });

/**
 * Point in time on a migrated database: every history point keeps the metric values it stood on,
 * `asOf` answers a past day as it stood, and a churned account keeps the score it churned with.
 */
describe('health as of a day (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let intake: EventIntakeService;
  let rescoring: RescoringService;
  let backfill: BackfillService;
  let api: AccountsService;
  let predictions: PredictionsRepository;
  const config = mediumConfig();

  beforeAll(async () => {
    database = await createMigratedDatabase('health_scoring_point_in_time', healthScoringDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    ({ intake, rescoring, backfill } = scoringEngine(ds, clock, config));
    api = new AccountsService(
      new AccountsRepository(ds),
      ds,
      rescoring as Rescorer,
      new OverrideRepository(ds),
      rescoring as OwnerAssigner,
      clock,
    );
    predictions = new PredictionsRepository(ds);
  });

  afterAll(async () => {
    await database?.close();
  });

  const row = async (ws: string, id: string) =>
    (
      await database.db.query<{
        score: string | null;
        band: string | null;
        coverage: string;
        churned_at: Date | null;
        scored_at: Date | null;
      }>(
        'SELECT score, band, coverage, churned_at, scored_at FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2',
        [ws, id],
      )
    )[0]!;
  const today = () => clock.now().toISOString().slice(0, 10);
  const hoursAgo = (n: number) => new Date(clock.now().getTime() - n * HOUR_MS);

  it("answers each past day with the score, band, coverage and values the account had at that day's end", async () => {
    const ws = newWorkspace();
    const seen: { day: string; score: number | null; band: string | null; coverage: number }[] = [];
    const endOfDay = async () => {
      const r = await row(ws, 'acct-p');
      seen.push({
        day: today(),
        score: r.score === null ? null : Number(r.score),
        band: r.band,
        coverage: Number(r.coverage),
      });
    };
    await intake.apply([
      groupCall(ws, 'acct-p', hoursAgo(2), 'u1', { seats: 4 }),
      signIn(ws, 'acct-p', hoursAgo(1)),
    ]);
    await endOfDay();
    // Day 2: more users sign in, and the score moves twice during the day; its end is what counts.
    clock.advance(DAY_MS);
    await intake.apply([signIn(ws, 'acct-p', hoursAgo(3), 'u2')]);
    await intake.apply([signIn(ws, 'acct-p', hoursAgo(2), 'u3'), signIn(ws, 'acct-p', hoursAgo(1), 'u4')]);
    await endOfDay();
    // Day 3: nothing happens but the sweep; day 12: the sign-ins have aged.
    clock.advance(DAY_MS);
    await rescoring.rescoreWorkspace(ws, 'sweep', { onlyChanged: true });
    await endOfDay();
    clock.advance(9 * DAY_MS);
    await rescoring.rescoreWorkspace(ws, 'sweep', { onlyChanged: true });
    await endOfDay();
    expect(new Set(seen.map((s) => s.score)).size).toBeGreaterThan(1);

    for (const s of seen) {
      const asOf = await api.healthAsOf(ws, 'acct-p', s.day);
      expect({ day: s.day, score: asOf.score, band: asOf.band, coverage: asOf.coverage }).toEqual(s);
      expect(asOf.status).toBe('none');
    }
    // A day without a point of its own answers the point in effect: day 5 stands as day 3 ended.
    const day5 = await api.healthAsOf(
      ws,
      'acct-p',
      seen[2]!.day.replace(/\d\d$/, (d) => String(Number(d) + 2).padStart(2, '0')),
    );
    expect(day5.score).toBe(seen[2]!.score);
    // The values are those of that day's last point: four distinct users out of four seats on day 2.
    const day2 = await api.healthAsOf(ws, 'acct-p', seen[1]!.day);
    expect(day2.values?.['active_users_ratio_30d']).toBe(1);
    expect(day2.values?.['sign_ins_7d']).toBe(4);
    const day1 = await api.healthAsOf(ws, 'acct-p', seen[0]!.day);
    expect(day1.values?.['active_users_ratio_30d']).toBe(0.25);

    await expect(api.healthAsOf(ws, 'acct-p', '2026-03-01')).rejects.toMatchObject({
      code: 'no_health_as_of',
    });
    await expect(api.healthAsOf(ws, 'acct-p', '2099-01-01')).rejects.toMatchObject({
      code: 'as_of_in_future',
    });
    await expect(api.healthAsOf(ws, 'nobody', seen[0]!.day)).rejects.toMatchObject({
      code: 'account_not_found',
    });
  });

  it('keeps the score an account had when it churned, through later events and sweeps, until it subscribes again', async () => {
    const ws = newWorkspace();
    const startDay = today();
    // acct-k lives the same life without cancelling: what rescoring would have made of acct-c.
    for (const id of ['acct-c', 'acct-k'])
      await intake.apply([
        subscription(ws, id, hoursAgo(5), 'Subscription Started', 500),
        groupCall(ws, id, hoursAgo(4), `${id}-u1`, { seats: 2 }),
        signIn(ws, id, hoursAgo(3), `${id}-u1`),
        signIn(ws, id, hoursAgo(2), `${id}-u2`),
      ]);
    const before = await row(ws, 'acct-c');
    expect(before.score).not.toBeNull();
    clock.advance(DAY_MS);
    await intake.apply([subscription(ws, 'acct-c', hoursAgo(1), 'Subscription Cancelled', 500)]);
    const churned = await row(ws, 'acct-c');
    expect(churned.churned_at?.toISOString()).toBe(hoursAgo(1).toISOString());
    expect(churned.score).toBe(before.score);
    const churnDay = today();

    // Thirty days of nothing and a late sign-in: rescoring would move it (the sign-ins age out).
    clock.advance(30 * DAY_MS);
    await rescoring.rescoreWorkspace(ws, 'sweep', { onlyChanged: true });
    for (const id of ['acct-c', 'acct-k']) await intake.apply([signIn(ws, id, hoursAgo(1), `${id}-u3`)]);
    expect((await row(ws, 'acct-k')).score).not.toBe(before.score);
    expect((await row(ws, 'acct-c')).score).toBe(before.score);
    const later = await api.healthAsOf(ws, 'acct-c', today());
    expect(later.score).toBe(Number(before.score));
    expect(later.status).toBe('churned');
    expect(later.reason).toMatch(/^churned/);
    expect((await api.healthAsOf(ws, 'acct-c', churnDay)).status).toBe('churned');
    expect((await api.account(ws, 'acct-c')).churnedAt).toBe(churned.churned_at!.toISOString());

    // Back with a new subscription: rescored as it stands now.
    await intake.apply([subscription(ws, 'acct-c', hoursAgo(0.5), 'Subscription Started', 300, 'sub-2')]);
    const back = await row(ws, 'acct-c');
    expect(back.churned_at).toBeNull();
    expect((await api.account(ws, 'acct-c')).churnedAt).toBeNull();
    expect(back.scored_at?.toISOString()).toBe(clock.now().toISOString());
    expect((await api.healthAsOf(ws, 'acct-c', today())).status).toBe('active');

    const [timeline] = await predictions.timelinesOnDays(
      ws,
      [today()],
      ['sign_ins_7d'],
      { from: '2026-03-01', to: today() },
      today(),
    );
    expect(timeline!.accountId).toBe('acct-c');
    expect(timeline!.churnedOn).toBe(churnDay);
    const [history] = await predictions.outcomeHistories(ws, today(), today());
    expect(history!.outcomes.churn).toEqual([churnDay]);
    expect(history!.outcomes.subscribed).toEqual([startDay, today()]);
  });

  it('keeps the values of rebuilt past days too, and a timeline holds the values as they stood at the end of each day asked', async () => {
    const ws = newWorkspace();
    const start = clock.now().getTime();
    const days = [40, 39, 20].map((n) => new Date(start - n * DAY_MS));
    await intake.apply(days.map((d, i) => signIn(ws, 'acct-h', d, `u${i}`)));
    clock.advance(config.BACKFILL_SETTLE_MS + 1000);
    await backfill.settle();
    const points = await database.db.query<{
      at: Date;
      backfill: boolean;
      measures: Record<string, number | null> | null;
    }>(
      'SELECT at, backfill, measures FROM health_scoring.score_history WHERE workspace_id = $1 ORDER BY at, id',
      [ws],
    );
    expect(points.filter((p) => p.backfill)).toHaveLength(3);
    expect(points.every((p) => p.measures !== null)).toBe(true);
    // The second rebuilt day counts the sign-ins of the two days within its 7-day window.
    expect(points[1]!.measures!['sign_ins_7d']).toBe(2);

    const dayOf = (d: Date) => d.toISOString().slice(0, 10);
    // The day before the first point has no values; a day between points has the earlier one's.
    const asked = [
      dayOf(new Date(days[0]!.getTime() - DAY_MS)),
      ...days.map(dayOf),
      dayOf(new Date(days[2]!.getTime() - DAY_MS)),
      today(),
    ].sort();
    const [timeline] = await predictions.timelinesOnDays(
      ws,
      asked,
      ['sign_ins_7d', 'no_such_metric'],
      { from: dayOf(days[0]!), to: today() },
      today(),
    );
    const valueOn = (day: string) => {
      const at = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
      const stood = points.filter((p) => p.at.getTime() < at).at(-1);
      return stood?.measures!['sign_ins_7d'];
    };
    expect(timeline!.snapshots.map((s) => s.day)).toEqual(asked.slice(1));
    expect(timeline!.snapshots.map((s) => s.values['sign_ins_7d'])).toEqual(asked.slice(1).map(valueOn));
    expect(timeline!.snapshots.every((s) => s.values['no_such_metric'] === null)).toBe(true);
    expect(timeline!.churnedOn).toBeNull();
  });
});
