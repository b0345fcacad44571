import { Client } from 'pg';
import {
  BuiltService,
  CliWorkspace,
  GeneratedCall,
  MrrFigures,
  TestDatabase,
  createTestDatabase,
  createWorkspaceWithCli,
  freePort,
  runBuiltScript,
  seededRandom,
  sendCustomerBase,
  startBuiltService,
  waitFor,
  zeroMrrFigures,
} from '@tsuzuku/platform-testing';
import { reportingGrpcClient } from './reporting-grpc';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// --- the history, generated -----------------------------------------------------------------

/** Month index (years × 12 + month, UTC) and its first instant. */
const monthIndex = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
const monthStartMs = (m: number) => Date.UTC(Math.floor(m / 12), m % 12, 1);
const label = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

const SEGMENTS = ['enterprise', 'mid-market', 'smb'] as const;
const CSMS = ['ana@cs.example', 'ben@cs.example', 'chloe@cs.example'] as const;
const PLANS = ['starter', 'pro', 'business'] as const;
const CURRENT = monthIndex(Date.now());
/** The six complete months before the current one. */
const MONTHS = [6, 5, 4, 3, 2, 1].map((back) => CURRENT - back);
const [M1, , M3] = MONTHS as [number, number, number];
/** The account whose segment, owner and plan change at the start of the third month. */
const MOVER = 'acct-01';

/**
 * Twelve accounts over six months, as Segment calls: subscriptions started in one of the first
 * three months, then changed, cancelled and started again at random; a sign-in a month while
 * paying; one group call per account timestamped two days before the first month (acct-11 has
 * no segment, acct-10 no owner, acct-09 no plan), MOVER's second group call at the start of the
 * third month, and one setting only acct-04's plan at the start of the fifth.
 */
function history(seed: number, prefix: string): { tracks: GeneratedCall[]; groups: GeneratedCall[] } {
  const random = seededRandom(seed);
  const tracks: GeneratedCall[] = [];
  const groups: GeneratedCall[] = [];
  let n = 0;
  const call = (
    type: 'track' | 'group',
    account: string,
    at: number,
    fields: Partial<GeneratedCall>,
  ): GeneratedCall => ({
    type,
    messageId: `${prefix}-${n++}`,
    userId: `${account}-admin`,
    timestamp: new Date(at).toISOString(),
    context: { groupId: account },
    ...fields,
  });
  for (let i = 0; i < 12; i++) {
    const account = `acct-${String(i).padStart(2, '0')}`;
    const traits: Record<string, unknown> = { name: `Account ${i}` };
    if (i !== 9) traits['plan'] = PLANS[(i + 1) % PLANS.length];
    if (i !== 11) traits['segment'] = SEGMENTS[i % 3];
    if (i !== 10) traits['csm_email'] = CSMS[Math.floor(random() * CSMS.length)];
    groups.push(call('group', account, monthStartMs(M1) - 2 * DAY_MS, { groupId: account, traits }));
    if (account === MOVER)
      groups.push(
        call('group', account, monthStartMs(M3) + HOUR_MS, {
          groupId: account,
          traits: { segment: 'enterprise', csm_email: CSMS[2], plan: 'business' },
        }),
      );
    if (account === 'acct-04')
      groups.push(
        call('group', account, monthStartMs(MONTHS[4]!) + DAY_MS, {
          groupId: account,
          traits: { plan: 'starter' },
        }),
      );
    // One subscription event at most per month, on days 1-27; the sign-in on day 28.
    const dayIn = (m: number) =>
      monthStartMs(m) + Math.floor(random() * 27) * DAY_MS + Math.floor(random() * 20) * HOUR_MS;
    const start = M1 + Math.floor(random() * 3);
    let sub = 1;
    let mrr = 100 * (1 + Math.floor(random() * 20));
    let live = true;
    const subscription = (kind: string, at: number) =>
      tracks.push(
        call('track', account, at, {
          event: `Subscription ${kind}`,
          properties: {
            subscription_id: `${account}-s${sub}`,
            mrr: kind === 'Cancelled' ? 0 : mrr,
            currency: 'USD',
          },
        }),
      );
    subscription('Started', dayIn(start));
    for (let m = start; m <= MONTHS[5]!; m++) {
      if (m > start) {
        const r = random();
        if (live && r < 0.3) {
          mrr = Math.max(50, Math.round((mrr * (r < 0.15 ? 1.5 : 0.6)) / 10) * 10);
          subscription('Changed', dayIn(m));
        } else if (live && r < 0.42) {
          subscription('Cancelled', dayIn(m));
          live = false;
        } else if (!live && r < 0.5) {
          sub++;
          subscription('Started', dayIn(m));
          live = true;
        }
      }
      if (live) tracks.push(call('track', account, monthStartMs(m) + 27 * DAY_MS, { event: 'Signed In' }));
    }
  }
  return { tracks, groups };
}

// --- the expected figures, computed independently from the same calls -----------------------

interface Slice {
  segment?: string;
  owner?: string;
  plan?: string;
}
interface Figures extends MrrFigures {
  month: string;
  activeAccounts: number;
  payingAccounts: number;
}
interface Movement {
  accountId: string;
  occurredAt: string;
  type: string;
  amount: number;
}

/** An account's trait just before `before`: its latest group call setting it, else its earliest; '' when none did. */
function traitBefore(
  calls: readonly GeneratedCall[],
  account: string,
  trait: string,
  before: number,
): string {
  const setting = calls
    .filter((c) => c.type === 'group' && c.groupId === account && typeof c.traits?.[trait] === 'string')
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const latest = setting.filter((c) => Date.parse(c.timestamp) < before).pop() ?? setting[0];
  return (latest?.traits?.[trait] as string | undefined) ?? '';
}

function inSlice(calls: readonly GeneratedCall[], account: string, month: number, slice: Slice): boolean {
  const end = monthStartMs(month + 1);
  return (
    (slice.segment === undefined || traitBefore(calls, account, 'segment', end) === slice.segment) &&
    (slice.owner === undefined || traitBefore(calls, account, 'csm_email', end) === slice.owner) &&
    (slice.plan === undefined || traitBefore(calls, account, 'plan', end) === slice.plan)
  );
}

/** An account's MRR after every subscription event before `before`. */
function mrrBefore(calls: readonly GeneratedCall[], account: string, before: number): number {
  const latest = new Map<string, number>();
  for (const c of calls)
    if (
      c.type === 'track' &&
      c.context.groupId === account &&
      c.event?.startsWith('Subscription ') &&
      Date.parse(c.timestamp) < before
    )
      latest.set(c.properties!['subscription_id'] as string, c.properties!['mrr'] as number);
  return [...latest.values()].reduce((a, b) => a + b, 0);
}

/** Every change of an account's MRR, classified (each instant carries one subscription event at most). */
function movementsOf(calls: readonly GeneratedCall[], account: string): Movement[] {
  const instants = calls
    .filter(
      (c) => c.type === 'track' && c.context.groupId === account && c.event?.startsWith('Subscription '),
    )
    .map((c) => Date.parse(c.timestamp))
    .sort((a, b) => a - b);
  const out: Movement[] = [];
  let hadMrr = false;
  for (const at of instants) {
    const p = mrrBefore(calls, account, at);
    const n = mrrBefore(calls, account, at + 1);
    if (p > 0) hadMrr = true;
    if (p === n) continue;
    const type =
      p === 0 ? (hadMrr ? 'reactivation' : 'new') : n === 0 ? 'churn' : n > p ? 'expansion' : 'contraction';
    out.push({ accountId: account, occurredAt: new Date(at).toISOString(), type, amount: Math.abs(n - p) });
  }
  return out;
}

function accountsOf(calls: readonly GeneratedCall[]): string[] {
  return [...new Set(calls.map((c) => c.context.groupId))].sort();
}

function expectedFigures(calls: readonly GeneratedCall[], slice: Slice): Figures[] {
  return MONTHS.map((m) => {
    const f: Figures = {
      month: label(m),
      ...zeroMrrFigures(),
      activeAccounts: 0,
      payingAccounts: 0,
    };
    for (const account of accountsOf(calls)) {
      if (!inSlice(calls, account, m, slice)) continue;
      f.startMrr += mrrBefore(calls, account, monthStartMs(m));
      const end = mrrBefore(calls, account, monthStartMs(m + 1));
      f.endMrr += end;
      if (end > 0) f.payingAccounts++;
      for (const mv of movementsOf(calls, account))
        if (monthIndex(Date.parse(mv.occurredAt)) === m) {
          const field = `${mv.type === 'churn' ? 'churned' : mv.type}Mrr` as keyof Figures;
          (f[field] as number) += mv.amount;
        }
      const active = calls.some(
        (c) => c.context.groupId === account && monthIndex(Date.parse(c.timestamp)) === m,
      );
      if (active) f.activeAccounts++;
    }
    return f;
  });
}

function expectedMovements(calls: readonly GeneratedCall[], slice: Slice): Movement[] {
  return accountsOf(calls)
    .flatMap((account) => movementsOf(calls, account))
    .filter((mv) => {
      const m = monthIndex(Date.parse(mv.occurredAt));
      return MONTHS.includes(m) && inSlice(calls, mv.accountId, m, slice);
    })
    .sort((a, b) =>
      a.occurredAt !== b.occurredAt
        ? a.occurredAt < b.occurredAt
          ? -1
          : 1
        : a.accountId < b.accountId
          ? -1
          : 1,
    );
}

/** The additive figures of a KPI row (paying accounts from endMrr / ARPA). */
function figuresOf(row: Record<string, unknown>): Figures {
  const n = (k: string) => Number(row[k] ?? 0);
  const arpa = row['arpa'];
  return {
    month: row['month'] as string,
    startMrr: n('startMrr'),
    endMrr: n('endMrr'),
    newMrr: n('newMrr'),
    expansionMrr: n('expansionMrr'),
    contractionMrr: n('contractionMrr'),
    churnedMrr: n('churnedMrr'),
    reactivationMrr: n('reactivationMrr'),
    activeAccounts: n('activeAccounts'),
    payingAccounts: typeof arpa === 'number' && arpa > 0 ? Math.round(n('endMrr') / arpa) : 0,
  };
}

/**
 * Slices by event time, through the public APIs with real Kafka and Postgres: the same generated
 * history is sent to two workspaces through the Segment SDK, with the group calls (timestamped
 * before every event) sent after the events were processed in one, and before them in the other.
 * The KPIs by segment and by owner, and the movements listed by segment, must equal what an
 * independent computation from the calls gives; the segment slices must add up to the total;
 * and rebuilding one workspace must not touch the other.
 */
describe('KPI slices by the attributes accounts had at event time', () => {
  let db: TestDatabase;
  let ingestion: BuiltService;
  let scoring: BuiltService;
  let reporting: BuiltService;
  let grpcPort: number;
  let late: CliWorkspace;
  let first: CliWorkspace;
  const env = () => ({ DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: 'e2e-admin-token-0123456789' });
  const range = `from=${label(MONTHS[0]!)}&to=${label(MONTHS[5]!)}`;
  const lateHistory = history(20261204, 'late');
  const firstHistory = history(20261204, 'first');
  const lateCalls = [...lateHistory.tracks, ...lateHistory.groups];
  const firstCalls = [...firstHistory.tracks, ...firstHistory.groups];

  const get = async <T>(ws: CliWorkspace, p: string): Promise<T> => {
    const response = await fetch(`${reporting.url}${p}`, {
      headers: { authorization: `Bearer ${ws.token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const kpis = async (ws: CliWorkspace, slice: Slice = {}) => {
    const query = Object.entries(slice)
      .map(([k, v]) => `&${k}=${encodeURIComponent(v as string)}`)
      .join('');
    const report = await get<{ months: Record<string, unknown>[] }>(ws, `/v1/reports/kpis?${range}${query}`);
    return report.months.map(figuresOf);
  };
  const slices: Slice[] = [
    {},
    ...['', ...SEGMENTS].map((segment) => ({ segment })),
    ...['', ...CSMS].map((owner) => ({ owner })),
    ...['', ...PLANS].map((plan) => ({ plan })),
    { segment: 'enterprise', owner: CSMS[2] },
    { segment: 'enterprise', plan: 'business' },
  ];
  /** Waits until every slice answers the expected figures, then compares them (a diff on failure). */
  const expectSlices = async (ws: CliWorkspace, calls: readonly GeneratedCall[]) => {
    const want = slices.map((slice) => ({ slice, figures: expectedFigures(calls, slice) }));
    const got = async () =>
      Promise.all(slices.map(async (slice) => ({ slice, figures: await kpis(ws, slice) })));
    await waitFor(async () => JSON.stringify(await got()) === JSON.stringify(want), {
      what: 'the sliced KPIs to equal the computation from the calls',
      timeoutMs: 60_000,
      intervalMs: 1_000,
    }).catch(() => undefined);
    expect(await got()).toEqual(want);
  };

  beforeAll(async () => {
    db = await createTestDatabase('reporting_slices');
    grpcPort = await freePort();
    [ingestion, scoring, reporting] = await Promise.all([
      startBuiltService('ingestion', env()),
      startBuiltService('health-scoring', env()),
      startBuiltService('reporting', { ...env(), GRPC_PORT: String(grpcPort) }),
    ]);
    late = await createWorkspaceWithCli('slices-late', env(), [reporting.url]);
    first = await createWorkspaceWithCli('slices-first', env(), [reporting.url]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ingestion?.stop(), scoring?.stop(), reporting?.stop()]);
    await db?.drop();
  });

  it('the history is varied enough to tell slices apart', () => {
    const total = expectedFigures(lateCalls, {});
    const moverSegments = MONTHS.map((m) => traitBefore(lateCalls, MOVER, 'segment', monthStartMs(m + 1)));
    expect(moverSegments).toEqual([
      'mid-market',
      'mid-market',
      'enterprise',
      'enterprise',
      'enterprise',
      'enterprise',
    ]);
    expect(total.every((f) => f.endMrr > 0)).toBe(true);
    const movementTypes = new Set(expectedMovements(lateCalls, {}).map((m) => m.type));
    for (const type of ['new', 'expansion', 'contraction', 'churn']) expect(movementTypes).toContain(type);
    for (const segment of SEGMENTS)
      expect(expectedFigures(lateCalls, { segment }).some((f) => f.endMrr > 0)).toBe(true);
    for (const plan of PLANS)
      expect(expectedFigures(lateCalls, { plan }).some((f) => f.endMrr > 0)).toBe(true);
    // acct-04's plan changes by event time within the six months.
    expect(
      new Set(MONTHS.map((m) => traitBefore(lateCalls, 'acct-04', 'plan', monthStartMs(m + 1)))).size,
    ).toBe(2);
  });

  it('slices by segment, owner and plan equal the computation when the group calls come after the events, and when they come first', async () => {
    // late: the events, processed (the unsliced MRR is complete), then the group calls.
    const unslicedMrr = (figures: Figures[]) => figures.map((f) => [f.month, f.startMrr, f.endMrr, f.newMrr]);
    await Promise.all([
      sendCustomerBase(ingestion.url, late.writeKey, lateHistory.tracks),
      sendCustomerBase(ingestion.url, first.writeKey, firstHistory.groups),
    ]);
    await waitFor(
      async () =>
        JSON.stringify(unslicedMrr(await kpis(late))) ===
        JSON.stringify(unslicedMrr(expectedFigures(lateCalls, {}))),
      { what: 'the events before their group calls', timeoutMs: 60_000, intervalMs: 500 },
    );
    await Promise.all([
      sendCustomerBase(ingestion.url, late.writeKey, lateHistory.groups),
      sendCustomerBase(ingestion.url, first.writeKey, firstHistory.tracks),
    ]);
    await expectSlices(late, lateCalls);
    await expectSlices(first, firstCalls);

    // The mover: in mid-market (and its first owner) before the third month, in enterprise after.
    const moverIn = async (segment: string) => {
      const movements = await get<{ items: Movement[] }>(
        late,
        `/v1/reports/mrr-movements?${range}&detail=true&segment=${segment}&limit=1000`,
      );
      return movements.items.filter((m) => m.accountId === MOVER).map((m) => m.occurredAt.slice(0, 7));
    };
    const moverMonths = movementsOf(lateCalls, MOVER).map((m) => monthIndex(Date.parse(m.occurredAt)));
    expect(await moverIn('mid-market')).toEqual(moverMonths.filter((m) => m < M3 && m >= M1).map(label));
    expect(await moverIn('enterprise')).toEqual(moverMonths.filter((m) => m >= M3).map(label));
  }, 240_000);

  it('adds the segment, owner and plan slices (accounts without one included) up to the total, for MRR, accounts and movements', async () => {
    const partitions: Slice[][] = [
      ['', ...SEGMENTS].map((segment) => ({ segment })),
      ['', ...CSMS].map((owner) => ({ owner })),
      ['', ...PLANS].map((plan) => ({ plan })),
    ];
    for (const ws of [late, first]) {
      const total = await kpis(ws);
      for (const partition of partitions) {
        const parts = await Promise.all(partition.map((slice) => kpis(ws, slice)));
        const sum = total.map((t, i) => {
          const out = { ...t };
          for (const key of Object.keys(t) as (keyof Figures)[])
            if (key !== 'month') (out[key] as number) = parts.reduce((s, p) => s + (p[i]![key] as number), 0);
          return out;
        });
        expect(sum).toEqual(total);
      }
    }
  });

  it('answers a sliced KPI report as CSV with the same figures', async () => {
    for (const slice of [{ plan: 'pro' }, { segment: 'smb' }, { owner: CSMS[0] }]) {
      const [key, value] = Object.entries(slice)[0]!;
      const response = await fetch(
        `${reporting.url}/v1/reports/kpis?${range}&${key}=${encodeURIComponent(value)}`,
        { headers: { authorization: `Bearer ${late.token}`, accept: 'text/csv' } },
      );
      expect(response.status).toBe(200);
      const [header, ...lines] = (await response.text()).trim().split('\r\n');
      const columns = header!.split(',');
      const rows = lines.map((line) => {
        const cells = line.split(',');
        return Object.fromEntries(
          columns.map((c, i) => [c, c === 'month' ? cells[i] : cells[i] === '' ? null : Number(cells[i])]),
        );
      });
      expect(rows.map(figuresOf)).toEqual(expectedFigures(lateCalls, slice));
    }
  });

  it('lists only the movements of accounts in the slice in their month, over REST and gRPC', async () => {
    for (const slice of [
      { segment: 'enterprise' },
      { segment: 'smb' },
      { owner: CSMS[0] },
      { segment: '' },
      { plan: 'starter' },
      { plan: '' },
    ]) {
      const [key, value] = Object.entries(slice)[0]!;
      const listed = await get<{ items: (Movement & { month: string })[] }>(
        late,
        `/v1/reports/mrr-movements?${range}&detail=true&${key}=${encodeURIComponent(value)}&limit=1000`,
      );
      expect(
        listed.items.map(({ accountId, occurredAt, type, amount }) => ({
          accountId,
          occurredAt,
          type,
          amount,
        })),
      ).toEqual(expectedMovements(lateCalls, slice));
    }

    const { call, close } = reportingGrpcClient(grpcPort, late.token);
    try {
      for (const slice of [{ segment: 'enterprise' }, { owner: CSMS[1] }, { plan: 'business' }]) {
        const viaGrpc = await call<{ months: Record<string, unknown>[] }>('GetKpis', {
          from: label(MONTHS[0]!),
          to: label(MONTHS[5]!),
          ...slice,
        });
        expect(viaGrpc.months.map(figuresOf)).toEqual(expectedFigures(lateCalls, slice));
      }
      const moves = await call<{ items: Movement[] }>('GetMrrMovements', {
        from: label(MONTHS[0]!),
        to: label(MONTHS[5]!),
        detail: true,
        segment: 'mid-market',
        plan: 'pro',
      });
      expect(
        moves.items.map(({ accountId, occurredAt, type, amount }) => ({
          accountId,
          occurredAt,
          type,
          amount,
        })),
      ).toEqual(expectedMovements(lateCalls, { segment: 'mid-market', plan: 'pro' }));
    } finally {
      close();
    }
  });

  it('rebuilds one workspace from the topics without rewriting another', async () => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    // Each row's version (xmin) and place (ctid): any rewrite of the other workspace changes them.
    const fingerprint = async (workspaceId: string) => {
      const tables = [
        'month_totals',
        'workspace_month_totals',
        'survey_month_totals',
        'onboarding_month_totals',
        'account_months',
        'account_attributes',
        'attribute_changes',
        'mrr_movements',
      ];
      const prints: (string | null)[] = [];
      for (const table of [...tables, 'accounts'])
        prints.push(
          (
            await pg.query<{ v: string | null }>(
              `SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) AS v FROM reporting.${table} WHERE workspace_id = $1`,
              [workspaceId],
            )
          ).rows[0]!.v,
        );
      return prints;
    };
    try {
      const untouched = await fingerprint(first.workspaceId);
      const lateBefore = await Promise.all(slices.map((slice) => kpis(late, slice)));
      // Damage the late workspace's read models: the rebuild must restore them.
      for (const totals of ['month_totals', 'workspace_month_totals'])
        await pg.query(`DELETE FROM reporting.${totals} WHERE workspace_id = $1`, [late.workspaceId]);
      await pg.query('DELETE FROM reporting.account_attributes WHERE workspace_id = $1', [late.workspaceId]);
      expect((await kpis(late)).every((f) => f.endMrr === 0)).toBe(true);

      const rebuilt = await runBuiltScript(
        'reporting',
        'rebuild.js',
        ['--workspace', late.workspaceId],
        env(),
      );
      expect(rebuilt.stderr.slice(-2000)).not.toMatch(/rebuild failed/);
      expect(rebuilt.code).toBe(0);
      const summary = JSON.parse(
        rebuilt.stdout.split('\n').find((line) => line.startsWith('{"rebuilt":true')) ?? '{}',
      ) as { workspaceId: string; events: number; otherWorkspaces: number };
      expect(summary.workspaceId).toBe(late.workspaceId);
      expect(summary.events).toBeGreaterThanOrEqual(lateCalls.length);
      expect(summary.otherWorkspaces).toBeGreaterThanOrEqual(firstCalls.length);

      expect(await Promise.all(slices.map((slice) => kpis(late, slice)))).toEqual(lateBefore);
      expect(await fingerprint(first.workspaceId)).toEqual(untouched);
      await expectSlices(first, firstCalls);

      const bad = await runBuiltScript('reporting', 'rebuild.js', ['--workspaces', 'x'], env());
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--workspaces');
    } finally {
      await pg.end();
    }
  }, 180_000);
});
