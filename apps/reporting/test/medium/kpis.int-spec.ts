import { ManualClock } from '@tsuzuku/platform-runtime';
import {
  MRR_FIGURES,
  MigratedDatabase,
  MrrFigures,
  TestCustomerEvent,
  createMigratedDatabase,
  monthSpan,
  zeroMrrFigures,
} from '@tsuzuku/platform-testing';
import { reportingDatabase } from '../../src/database/reporting.database';
import { parseMonth } from '../../src/kpis/domain/month';
import { ReadModelWriter } from '../../src/read-models/read-model.writer';
import { KpiService, MovementRow } from '../../src/reports/kpi.service';
import { MOVEMENTS_CURSOR } from '../../src/reports/movements-cursor';
import { kpiService, newWorkspace, readModelWriter, segmentCall, signIn, subscription } from './factories';

const MONTHS = ['2026-03', '2026-04', '2026-05', '2026-06'];

/**
 * The MRR figures of docs/kpis.md the plainest way, from the subscription calls alone: replay an
 * account's calls to know its MRR at any instant, and classify each change inside the month.
 */
function expectedMrr(
  events: readonly TestCustomerEvent[],
  accounts: readonly string[],
  month: string,
): MrrFigures {
  const calls = events.filter(
    (e) => e.data.event?.startsWith('Subscription ') && accounts.includes(e.accountId!),
  );
  const mrrAt = (account: string, instant: number): number => {
    const latest = new Map<string, number>();
    for (const c of calls)
      if (c.accountId === account && Date.parse(c.occurredAt) <= instant)
        latest.set(
          String(c.data.properties['subscription_id']),
          c.data.event === 'Subscription Cancelled' ? 0 : Number(c.data.properties['mrr']),
        );
    return [...latest.values()].reduce((a, b) => a + b, 0);
  };
  const { start, end } = monthSpan(month);
  const f = zeroMrrFigures();
  for (const account of accounts) {
    const instants = [
      ...new Set(calls.filter((c) => c.accountId === account).map((c) => Date.parse(c.occurredAt))),
    ].sort((a, b) => a - b);
    let previous = mrrAt(account, start - 1);
    let hadMrr = instants.some((t) => t < start && mrrAt(account, t) > 0);
    f.startMrr += previous;
    f.endMrr += mrrAt(account, end - 1);
    for (const t of instants.filter((i) => i >= start && i < end)) {
      const now = mrrAt(account, t);
      if (now === previous) continue;
      if (previous === 0) f[hadMrr ? 'reactivationMrr' : 'newMrr'] += now;
      else if (now > previous) f.expansionMrr += now - previous;
      else if (now > 0) f.contractionMrr += previous - now;
      else f.churnedMrr += previous;
      if (now > 0) hadMrr = true;
      previous = now;
    }
  }
  return f;
}

/** The distinct accounts with some activity in the month. */
const activeAccounts = (events: readonly TestCustomerEvent[], month: string): number =>
  new Set(events.filter((e) => e.occurredAt.startsWith(month)).map((e) => e.accountId)).size;

/**
 * The read-model writer and the KPI service with their real repositories on a migrated database:
 * no HTTP, no Kafka, time from a ManualClock. Each test uses a workspace of its own.
 */
describe('KPIs on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let writer: ReadModelWriter;
  let kpis: KpiService;
  const from = parseMonth(MONTHS[0]!)!;
  const to = parseMonth(MONTHS[MONTHS.length - 1]!)!;

  beforeAll(async () => {
    database = await createMigratedDatabase('reporting_medium', reportingDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(new Date('2026-06-20T12:00:00.000Z'));
    writer = readModelWriter(ds);
    kpis = kpiService(ds, clock);
  });

  afterAll(async () => {
    await database?.close();
  });

  /** A history of four accounts over four months: new, expansion, contraction, churn, reactivation. */
  function history(ws: string): TestCustomerEvent[] {
    return [
      segmentCall(ws, 'acc_a', '2026-02-20T08:00:00.000Z', 'smb'),
      segmentCall(ws, 'acc_b', '2026-02-20T08:00:00.000Z', 'smb'),
      segmentCall(ws, 'acc_c', '2026-02-20T08:00:00.000Z', 'ent'),
      segmentCall(ws, 'acc_d', '2026-02-20T08:00:00.000Z', 'ent'),
      subscription(ws, 'acc_a', 'Started', '2026-02-25T10:00:00.000Z', 100),
      subscription(ws, 'acc_b', 'Started', '2026-03-03T10:00:00.000Z', 250),
      subscription(ws, 'acc_c', 'Started', '2026-03-10T10:00:00.000Z', 1200),
      subscription(ws, 'acc_a', 'Changed', '2026-04-02T10:00:00.000Z', 180),
      subscription(ws, 'acc_c', 'Changed', '2026-04-15T10:00:00.000Z', 900),
      subscription(ws, 'acc_b', 'Cancelled', '2026-04-28T10:00:00.000Z', null),
      subscription(ws, 'acc_d', 'Started', '2026-05-05T10:00:00.000Z', 400),
      subscription(ws, 'acc_d', 'Started', '2026-05-06T10:00:00.000Z', 50, 'sub_d_addon'),
      subscription(ws, 'acc_b', 'Started', '2026-06-01T10:00:00.000Z', 300, 'sub_b_again'),
      subscription(ws, 'acc_c', 'Renewed', '2026-06-10T10:00:00.000Z', 900),
      signIn(ws, 'acc_a', '2026-03-04T09:00:00.000Z'),
      signIn(ws, 'acc_c', '2026-03-05T09:00:00.000Z', 'u2'),
      signIn(ws, 'acc_c', '2026-05-05T09:00:00.000Z', 'u3'),
      signIn(ws, 'acc_d', '2026-06-02T09:00:00.000Z'),
    ];
  }

  const units = (row: Record<string, unknown>): MrrFigures =>
    Object.fromEntries(MRR_FIGURES.map((f) => [f, row[f] as number])) as MrrFigures;

  it('computes the MRR figures and active accounts of each month as the events say, a replayed run changing nothing', async () => {
    const ws = newWorkspace();
    const events = history(ws);
    // Two runs, the second out of order and with a redelivered event from the first.
    await writer.apply(events.slice(0, 9), clock.now().getTime());
    await writer.apply([...events.slice(9).reverse(), events[4]!], clock.now().getTime());

    const report = await kpis.kpis(ws, from, to, {});
    expect(report.months.map((m) => m.month)).toEqual(MONTHS);
    const accounts = ['acc_a', 'acc_b', 'acc_c', 'acc_d'];
    for (const row of report.months) {
      expect({ month: row.month, ...units(row as never) }).toEqual({
        month: row.month,
        ...expectedMrr(events, accounts, row.month),
      });
      expect(row.activeAccounts).toBe(activeAccounts(events, row.month));
    }
    const touched = report.months.flatMap((m) =>
      MRR_FIGURES.filter((f) => f !== 'startMrr' && f !== 'endMrr' && m[f] > 0),
    );
    expect(new Set(touched)).toEqual(new Set(MRR_FIGURES.filter((f) => f !== 'startMrr' && f !== 'endMrr')));

    await writer.apply(events, clock.now().getTime());
    expect(await kpis.kpis(ws, from, to, {})).toEqual(report);
  });

  it('slices by the segment the accounts had, the slices adding up to the whole', async () => {
    const ws = newWorkspace();
    const events = history(ws);
    await writer.apply(events, clock.now().getTime());
    const [whole, smb, ent, none] = await Promise.all([
      kpis.kpis(ws, from, to, {}),
      kpis.kpis(ws, from, to, { segment: 'smb' }),
      kpis.kpis(ws, from, to, { segment: 'ent' }),
      kpis.kpis(ws, from, to, { segment: '' }),
    ]);
    MONTHS.forEach((month, i) => {
      expect(units(smb.months[i] as never)).toEqual(expectedMrr(events, ['acc_a', 'acc_b'], month));
      expect(units(ent.months[i] as never)).toEqual(expectedMrr(events, ['acc_c', 'acc_d'], month));
      expect(none.months[i]!.endMrr).toBe(0);
      expect(smb.months[i]!.endMrr + ent.months[i]!.endMrr).toBe(whole.months[i]!.endMrr);
    });
  });

  it('lists every movement once across pages, adding up to the monthly totals', async () => {
    const ws = newWorkspace();
    await writer.apply(history(ws), clock.now().getTime());
    const listed: MovementRow[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await kpis.movements(ws, from, to, {
        detail: true,
        limit: 2,
        ...(cursor ? { cursor: MOVEMENTS_CURSOR.decode(cursor) } : {}),
      });
      listed.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(cursor).toBeNull();
    expect(new Set(listed.map((m) => `${m.accountId}|${m.occurredAt}`)).size).toBe(listed.length);
    const totals = await kpis.movements(ws, from, to, {});
    for (const month of totals.months) {
      const ofMonth = listed.filter((m) => m.month === month.month);
      const sum = (type: string) => ofMonth.filter((m) => m.type === type).reduce((a, m) => a + m.amount, 0);
      expect({
        newMrr: sum('new'),
        expansionMrr: sum('expansion'),
        contractionMrr: sum('contraction'),
        churnedMrr: sum('churn'),
        reactivationMrr: sum('reactivation'),
      }).toEqual({
        newMrr: month.newMrr,
        expansionMrr: month.expansionMrr,
        contractionMrr: month.contractionMrr,
        churnedMrr: month.churnedMrr,
        reactivationMrr: month.reactivationMrr,
      });
    }
    const one = await kpis.movements(ws, from, to, { accountId: 'acc_b' });
    expect(one.months.map((m) => m.endMrr)).toEqual(
      MONTHS.map((month) => expectedMrr(history(ws), ['acc_b'], month).endMrr),
    );
  });
});
