import { AnyEventEnvelope } from '@tsuzuku/contracts';
import { ManualClock } from '@tsuzuku/platform-runtime';
import {
  MigratedDatabase,
  createMigratedDatabase,
  seededRandom,
  testAccountData,
  testCustomerEvent,
  testEnvelope,
} from '@tsuzuku/platform-testing';
import { reportingDatabase } from '../../src/database/reporting.database';
import { parseMonth } from '../../src/kpis/domain/month';
import { ReadModelWriter } from '../../src/read-models/read-model.writer';
import { KpiService } from '../../src/reports/kpi.service';
import { kpiService, newWorkspace, readModelWriter, segmentCall, subscription } from './factories';

const DAY_MS = 86_400_000;
const WINDOW_MS = 30 * DAY_MS;
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
const NOW = new Date('2026-06-20T12:00:00.000Z');

/** A random instant of one of the months. */
const instant = (next: () => number): number => {
  const month = MONTHS[Math.floor(next() * MONTHS.length)]!;
  return Date.parse(`${month}-01T00:00:00.000Z`) + Math.floor(next() * 27 * DAY_MS);
};
const iso = (ms: number) => new Date(ms).toISOString();
const monthOfIso = (at: string) => at.slice(0, 7);

/**
 * A workspace's history with everything the month totals must follow: survey answers (an NPS
 * respondent answering several times a month, in any order, some answers redelivered), first
 * subscription starts that a later-arriving earlier start moves, onboarding completions that
 * later profile updates move (and an older update arriving late, which changes nothing).
 */
function history(ws: string, seed: number): AnyEventEnvelope[] {
  const next = seededRandom(seed);
  const events: AnyEventEnvelope[] = [];
  for (let a = 0; a < 12; a++) {
    const account = `acc_${a}`;
    if (a % 3 !== 0) events.push(segmentCall(ws, account, iso(instant(next)), a % 3 === 1 ? 'smb' : 'ent'));
    for (let s = 0; s < 1 + Math.floor(next() * 3); s++)
      events.push(subscription(ws, account, 'Started', iso(instant(next)), 100 + s, `sub_${a}_${s}`));
    for (let p = 0; p < Math.floor(next() * 4); p++) {
      const completed = next() < 0.25 ? null : iso(instant(next));
      events.push(
        testEnvelope(
          'account.updated',
          ws,
          account,
          testAccountData(NOW, { name: account, signals: { onboardingCompletedAt: completed } }),
          iso(instant(next)),
        ),
      );
    }
    for (let r = 0; r < 3; r++)
      for (let n = 0; n < Math.floor(next() * 5); n++) {
        const survey = next() < 0.6 ? 'nps' : 'csat';
        const score = survey === 'nps' ? Math.floor(next() * 11) : 1 + Math.floor(next() * 5);
        events.push(
          testCustomerEvent(ws, account, iso(instant(next)), {
            event: 'Survey Responded',
            userId: `${account}_u${r}`,
            properties: { survey, score },
          }),
        );
      }
  }
  // Some events come twice.
  for (let i = 0; i < 15; i++) events.push(events[Math.floor(next() * events.length)]!);
  return events;
}

/** NPS, CSAT and onboarding of a month worked out from the events alone. */
function expected(events: readonly AnyEventEnvelope[], month: string) {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const latest = new Map<string, { at: string; id: string; score: number }>();
  let csat = 0;
  let satisfied = 0;
  const firstStart = new Map<string, number>();
  const profile = new Map<string, { at: string; id: string; completed: string | null }>();
  for (const e of unique) {
    if (e.type === 'customer.event.recorded') {
      const d = e.data;
      if (d.event === 'Survey Responded' && monthOfIso(e.occurredAt) === month) {
        const score = Number(d.properties['score']);
        if (d.properties['survey'] === 'csat') {
          csat++;
          if (score >= 4) satisfied++;
        } else {
          const known = latest.get(d.userId!);
          if (!known || [e.occurredAt, e.id] > [known.at, known.id])
            latest.set(d.userId!, { at: e.occurredAt, id: e.id, score });
        }
      }
      if (d.event === 'Subscription Started') {
        const at = Date.parse(e.occurredAt);
        firstStart.set(e.accountId!, Math.min(at, firstStart.get(e.accountId!) ?? at));
      }
    }
    if (e.type === 'account.updated') {
      const known = profile.get(e.accountId!);
      if (!known || [e.occurredAt, e.id] > [known.at, known.id])
        profile.set(e.accountId!, {
          at: e.occurredAt,
          id: e.id,
          completed: e.data.signals.onboardingCompletedAt,
        });
    }
  }
  const scores = [...latest.values()].map((l) => l.score);
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  let eligible = 0;
  let completed = 0;
  for (const [account, start] of firstStart) {
    if (iso(start).slice(0, 7) !== month || NOW.getTime() - start < WINDOW_MS) continue;
    eligible++;
    const done = profile.get(account)?.completed;
    if (done && Date.parse(done) <= start + WINDOW_MS) completed++;
  }
  return {
    nps: scores.length === 0 ? null : (100 * (promoters - detractors)) / scores.length,
    csat: csat === 0 ? null : satisfied / csat,
    onboardingCompletionRate: eligible === 0 ? null : completed / eligible,
  };
}

/**
 * The month totals kept on write (what the unsliced KPI report reads) on a real database with the
 * real writer: equal to the rows they summarise and to the events worked out in the test, however
 * the events are split, ordered, redelivered or written by concurrent transactions.
 */
describe('KPI month totals kept on write (medium)', () => {
  let database: MigratedDatabase;
  let writer: ReadModelWriter;
  let kpis: KpiService;

  beforeAll(async () => {
    database = await createMigratedDatabase('reporting_medium_totals', reportingDatabase);
    writer = readModelWriter(database.dataSource);
    kpis = kpiService(database.dataSource, new ManualClock(NOW));
  });

  afterAll(async () => {
    await database?.close();
  });

  /** Each totals table beside the same figures counted again from the rows it summarises. */
  async function recounts(ws: string) {
    const q = (sql: string) => database.dataSource.query(sql, [ws]) as Promise<Record<string, unknown>[]>;
    return {
      surveys: await q(`
        SELECT month::text, nps_respondents, promoters, detractors, csat_responses, csat_satisfied
        FROM reporting.survey_month_totals WHERE workspace_id = $1
          AND (nps_respondents, promoters, detractors, csat_responses, csat_satisfied) <> (0, 0, 0, 0, 0)
        ORDER BY month`),
      surveysRecounted: await q(`
        SELECT month::text, sum(r)::int AS nps_respondents, sum(p)::int AS promoters, sum(d)::int AS detractors,
               sum(c)::int AS csat_responses, sum(s)::int AS csat_satisfied FROM (
          SELECT month, 1 AS r, (score >= 9)::int AS p, (score <= 6)::int AS d, 0 AS c, 0 AS s
          FROM reporting.nps_latest WHERE workspace_id = $1
          UNION ALL
          SELECT month, 0, 0, 0, 1, (score >= 4)::int FROM reporting.survey_responses
          WHERE workspace_id = $1 AND survey = 'csat') x
        GROUP BY month ORDER BY month`),
      onboarding: await q(`
        SELECT month::text, started, completed FROM reporting.onboarding_month_totals
        WHERE workspace_id = $1 AND (started, completed) <> (0, 0) ORDER BY month`),
      onboardingRecounted: await q(`
        SELECT date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date::text AS month, count(*)::int AS started,
               count(*) FILTER (WHERE onboarding_completed_at <= first_started_at + interval '720 hours')::int AS completed
        FROM reporting.accounts WHERE workspace_id = $1 AND first_started_at IS NOT NULL
        GROUP BY 1 ORDER BY 1`),
      mrr: await q(`
        SELECT month::text, end_mrr::text, start_accounts::text, new_mrr::text FROM reporting.workspace_month_totals
        WHERE workspace_id = $1 AND (end_mrr, start_accounts, new_mrr) <> (0, 0, 0) ORDER BY month`),
      mrrRecounted: await q(`
        SELECT month::text, sum(end_mrr)::text AS end_mrr, sum(start_accounts)::text AS start_accounts,
               sum(new_mrr)::text AS new_mrr
        FROM reporting.month_totals WHERE workspace_id = $1 GROUP BY month
        HAVING (sum(end_mrr), sum(start_accounts), sum(new_mrr)) <> (0, 0, 0) ORDER BY month`),
    };
  }

  async function expectExact(ws: string, events: readonly AnyEventEnvelope[]): Promise<void> {
    const r = await recounts(ws);
    expect(r.surveys.length).toBeGreaterThan(0);
    expect(r.surveys).toEqual(r.surveysRecounted);
    expect(r.onboarding.length).toBeGreaterThan(0);
    expect(r.onboarding).toEqual(r.onboardingRecounted);
    expect(r.mrr.length).toBeGreaterThan(0);
    expect(r.mrr).toEqual(r.mrrRecounted);
    const report = await kpis.kpis(ws, parseMonth(MONTHS[0]!)!, parseMonth(MONTHS[MONTHS.length - 1]!)!, {});
    for (const row of report.months) {
      const want = expected(events, row.month);
      expect({
        month: row.month,
        nps: row.nps,
        csat: row.csat,
        onboarding: row.onboardingCompletionRate,
      }).toEqual({
        month: row.month,
        nps: want.nps === null ? null : expect.closeTo(want.nps, 9),
        csat: want.csat === null ? null : expect.closeTo(want.csat, 9),
        onboarding:
          want.onboardingCompletionRate === null ? null : expect.closeTo(want.onboardingCompletionRate, 9),
      });
    }
  }

  it('equal the rows they summarise and the events, whatever the runs, their order and redeliveries', async () => {
    for (const seed of [1, 2, 3]) {
      const ws = newWorkspace();
      const events = history(ws, seed);
      const next = seededRandom(seed * 97);
      const shuffled = [...events].sort(() => next() - 0.5);
      for (let i = 0; i < shuffled.length;) {
        const size = 1 + Math.floor(next() * 12);
        await writer.apply(shuffled.slice(i, i + size), NOW.getTime());
        i += size;
      }
      await expectExact(ws, events);
      // Everything again: nothing changes.
      await writer.apply(events, NOW.getTime());
      await expectExact(ws, events);
      // Profile updates after every other one, with the same attributes: only the completion moves.
      const late = [
        ...new Set(events.filter((e) => e.type === 'account.updated').map((e) => e.accountId!)),
      ].map((account, i) =>
        testEnvelope(
          'account.updated',
          ws,
          account,
          testAccountData(NOW, {
            name: account,
            signals: { onboardingCompletedAt: i % 2 === 0 ? null : '2026-01-02T00:00:00.000Z' },
          }),
          '2026-06-29T00:00:00.000Z',
        ),
      );
      expect(late.length).toBeGreaterThan(3);
      await writer.apply(late, NOW.getTime());
      await expectExact(ws, [...events, ...late]);
    }
  });

  it('stay exact when runs of one workspace are written by concurrent transactions', async () => {
    // Each run mixes subscription events (derived) and profile updates (counted again) of the
    // same months: the writers take the totals' rows in one order, so none is aborted.
    for (const seed of [7, 8, 9, 10, 11, 12]) {
      const ws = newWorkspace();
      const events = history(ws, seed);
      const next = seededRandom(seed * 13);
      const runs: AnyEventEnvelope[][] = [[], [], [], []];
      for (const e of events) runs[Math.floor(next() * runs.length)]!.push(e);
      await Promise.all(runs.map((run) => writer.apply(run, NOW.getTime())));
      await expectExact(ws, events);
    }
  });
});
