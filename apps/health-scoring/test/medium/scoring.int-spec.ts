import { randomUUID } from 'node:crypto';
import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { healthScoringDatabase } from '../../src/database/health-scoring.database';
import { BackfillService } from '../../src/scoring/backfill.service';
import { EventIntakeService } from '../../src/scoring/event-intake.service';
import { RescoringService } from '../../src/scoring/rescoring.service';
import { groupCall, mediumConfig, newWorkspace, signIn, scoringEngine } from './factories';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The scoring (event intake, present and past scoring, backfill settling, override expiry) with
 * its real repositories on a migrated database: no HTTP, no Kafka, time from a ManualClock.
 * Each test uses a workspace of its own.
 */
describe('health scoring on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let intake: EventIntakeService;
  let rescoring: RescoringService;
  let backfill: BackfillService;
  const config = mediumConfig();

  beforeAll(async () => {
    database = await createMigratedDatabase('health_scoring_medium', healthScoringDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    ({ intake, rescoring, backfill } = scoringEngine(ds, clock, config));
  });

  afterAll(async () => {
    await database?.close();
  });

  const account = async (ws: string, id: string) =>
    (
      await database.db.query<{
        score: string | null;
        computed_score: string | null;
        scored_at: Date | null;
      }>(
        'SELECT score, computed_score, scored_at FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2',
        [ws, id],
      )
    )[0];
  const outboxTypes = async (ws: string, id: string) =>
    (
      await database.db.query<{ value: unknown }>(
        'SELECT value FROM health_scoring.outbox WHERE message_key = $1 ORDER BY id',
        [`${ws}:${id}`],
      )
    ).map((r) => {
      const value =
        typeof r.value === 'string'
          ? JSON.parse(r.value)
          : Buffer.isBuffer(r.value)
            ? JSON.parse(r.value.toString())
            : r.value;
      return value as { type: string; data: { backfill?: boolean } };
    });
  const historyOf = (ws: string, id: string) =>
    database.db.query<{ at: Date; backfill: boolean; reason: string }>(
      'SELECT at, backfill, reason FROM health_scoring.score_history WHERE workspace_id = $1 AND account_id = $2 ORDER BY at, id',
      [ws, id],
    );

  it('folds live events into the profile and the day, scores the account now, and changes nothing on redelivery', async () => {
    const ws = newWorkspace();
    const now = clock.now();
    // The user's sign-in comes before any account is known for them; the group call brings it back.
    const orphan = signIn(ws, null, new Date(now.getTime() - HOUR_MS), 'u7');
    const run = [
      orphan,
      groupCall(ws, 'acct-a', new Date(now.getTime() - 30 * 60_000), 'u7', { name: 'Acme', plan: 'pro' }),
      signIn(ws, 'acct-a', new Date(now.getTime() - 10 * 60_000), 'u8'),
    ];
    await intake.apply([orphan]);
    expect(await account(ws, 'acct-a')).toBeUndefined();
    await intake.apply(run);
    const scored = (await account(ws, 'acct-a'))!;
    expect(scored.scored_at?.toISOString()).toBe(now.toISOString());
    expect(scored.computed_score).not.toBeNull();
    const [day] = await database.db.query<{ events: number; sign_ins: number }>(
      'SELECT events, sign_ins FROM health_scoring.account_days WHERE workspace_id = $1 AND account_id = $2',
      [ws, 'acct-a'],
    );
    expect(day).toEqual({ events: 3, sign_ins: 2 });
    const users = await database.db.query<{ user_id: string }>(
      'SELECT user_id FROM health_scoring.account_user_days WHERE workspace_id = $1 ORDER BY user_id',
      [ws],
    );
    expect(users.map((u) => u.user_id)).toEqual(['u7', 'u8']);
    const types = (await outboxTypes(ws, 'acct-a')).map((m) => m.type);
    expect(types.sort()).toEqual(['account.health.changed', 'account.updated']);
    expect(await historyOf(ws, 'acct-a')).toHaveLength(1);

    // The same run again (a redelivery): the inbox has it, nothing moves.
    await intake.apply(run);
    const [again] = await database.db.query<{ events: number }>(
      'SELECT events FROM health_scoring.account_days WHERE workspace_id = $1 AND account_id = $2',
      [ws, 'acct-a'],
    );
    expect(again!.events).toBe(3);
    expect(await outboxTypes(ws, 'acct-a')).toHaveLength(2);
  });

  it('rebuilds the past of historical events, and announces the present once the backfill settles', async () => {
    const ws = newWorkspace();
    const start = clock.now().getTime();
    const days = [40, 39, 20].map((n) => new Date(start - n * DAY_MS));
    await intake.apply(days.map((d, i) => signIn(ws, 'acct-h', d, `u${i}`)));
    // A history-only account waits: its past is rebuilt once, when its backfill settles.
    expect(await historyOf(ws, 'acct-h')).toEqual([]);
    expect(await outboxTypes(ws, 'acct-h')).toEqual([]);
    expect(await backfill.pending(ws)).toBe(1);

    // Not quiet long enough yet: nothing settles.
    clock.advance(config.BACKFILL_SETTLE_MS - 1000);
    await backfill.settle();
    expect(await backfill.pending(ws)).toBe(1);

    clock.advance(2000);
    expect(await backfill.settle()).toBeGreaterThanOrEqual(1);
    expect(await backfill.pending(ws)).toBe(0);
    const points = await historyOf(ws, 'acct-h');
    // One point per day with events, at the end of that day, marked backfill; then the present.
    const rebuilt = points.filter((p) => p.backfill);
    expect(rebuilt.map((p) => p.at.toISOString())).toEqual(
      days.map((d) => `${d.toISOString().slice(0, 10)}T23:59:59.999Z`),
    );
    const messages = await outboxTypes(ws, 'acct-h');
    const past = messages.filter((m) => m.data.backfill === true);
    expect(past.length).toBeGreaterThan(0);
    expect(past.every((m) => m.type === 'account.health.changed')).toBe(true);
    expect(messages.filter((m) => m.data.backfill !== true).map((m) => m.type)).toContain('account.updated');
    expect((await account(ws, 'acct-h'))!.scored_at?.toISOString()).toBe(clock.now().toISOString());
  });

  it('keeps an override until its expiry, then ends it and rescores the account', async () => {
    const ws = newWorkspace();
    await intake.apply([signIn(ws, 'acct-o', new Date(clock.now().getTime() - HOUR_MS))]);
    const computed = (await account(ws, 'acct-o'))!.computed_score;
    await database.db.query(
      `INSERT INTO health_scoring.overrides (id, workspace_id, account_id, score, reason, author, expires_at)
       VALUES ($1, $2, 'acct-o', 12, 'sponsor left', 'csm@example.com', $3)`,
      [randomUUID(), ws, new Date(clock.now().getTime() + HOUR_MS)],
    );
    await rescoring.rescoreAccount(ws, 'acct-o', 'override set');
    expect(Number((await account(ws, 'acct-o'))!.score)).toBe(12);

    clock.advance(HOUR_MS - 1);
    await rescoring.expireOverrides();
    expect(Number((await account(ws, 'acct-o'))!.score)).toBe(12);

    clock.advance(1);
    expect(await rescoring.expireOverrides()).toBeGreaterThanOrEqual(1);
    const ended = (await account(ws, 'acct-o'))!;
    expect(ended.score).toBe(computed);
    const [override] = await database.db.query<{ ended_why: string }>(
      'SELECT ended_why FROM health_scoring.overrides WHERE workspace_id = $1',
      [ws],
    );
    expect(override!.ended_why).toBe('expired');
  });
});
