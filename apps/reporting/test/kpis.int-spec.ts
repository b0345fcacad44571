import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import {
  BuiltPipeline,
  BuiltService,
  freePort,
  postSegment,
  runBuiltScript,
  startBuiltPipeline,
  waitFor,
} from '@tsuzuku/platform-testing';
import { KPI_FIELDS, KpiRow } from '../src/kpis/domain/kpi-formulas';
import { daysInMonth, formatMonth, monthOf } from '../src/kpis/domain/month';
import { reportingGrpcClient } from './reporting-grpc';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const REFLECTION_PROTO = path.join(
  ROOT,
  'node_modules',
  '@grpc',
  'reflection',
  'build',
  'proto',
  'grpc',
  'reflection',
  'v1alpha',
  'reflection.proto',
);

interface KpiReport {
  currency: string;
  months: KpiRow[];
  warnings: { code: string; field: string; message: string }[];
  errors: { eventId: string; accountId: string; currency: string }[];
}

/**
 * Four complete months of subscription, survey and usage events for four accounts, sent as a
 * customer would (ingestion's /v1/import with historical timestamps), then the KPIs over REST
 * and gRPC against figures worked out by hand below, and a rebuild that gives the same numbers.
 * health-scoring runs too: its account.updated gives the segments and onboarding completion.
 */
describe('retention KPIs through the public APIs', () => {
  let pipeline: BuiltPipeline<'ingestion' | 'health-scoring' | 'reporting'>;
  let ingestion: BuiltService;
  let scoring: BuiltService;
  let reporting: BuiltService;
  let grpcPort: number;
  let writeKey: string;
  let token: string;

  // m1..m4: the four complete months before the current one.
  const current = monthOf(Date.now());
  const [m1, m2, m3, m4] = [current - 4, current - 3, current - 2, current - 1].map(formatMonth) as [
    string,
    string,
    string,
    string,
  ];
  const at = (month: string, day: number, minute = 0) =>
    `${month}-${String(day).padStart(2, '0')}T12:${String(minute).padStart(2, '0')}:00.000Z`;

  const send = async (body: unknown) =>
    expect(await postSegment(ingestion.url, writeKey, '/v1/import', body)).toContain('"success":true');
  const api = (service: BuiltService, p: string, init: RequestInit = {}) =>
    fetch(`${service.url}${p}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  const kpis = async (query = '') => {
    const response = await api(reporting, `/v1/reports/kpis?from=${m1}&to=${m4}${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as KpiReport;
  };

  const track = (
    userId: string,
    account: string,
    event: string,
    timestamp: string,
    properties: object = {},
  ) => ({
    type: 'track',
    userId,
    event,
    properties,
    timestamp,
    context: { groupId: account },
  });
  const group = (userId: string, account: string, segment: string, timestamp: string) => ({
    type: 'group',
    userId,
    groupId: account,
    traits: { name: account, segment },
    timestamp,
  });
  const subscription = (
    userId: string,
    account: string,
    kind: 'Started' | 'Changed' | 'Cancelled',
    id: string,
    mrr: number,
    currency: string,
    timestamp: string,
  ) =>
    track(userId, account, `Subscription ${kind}`, timestamp, {
      subscription_id: id,
      mrr,
      currency,
      plan: 'pro',
    });

  beforeAll(async () => {
    grpcPort = await freePort();
    pipeline = await startBuiltPipeline({
      label: 'reporting_kpis',
      services: ['ingestion', 'health-scoring', 'reporting'],
      // Imported history: health-scoring announces each account (its segment) a second after it is quiet.
      env: { BACKFILL_SETTLE_MS: '1000' },
      envOf: { reporting: { GRPC_PORT: String(grpcPort) } },
      startTimeoutMs: 60_000,
      workspace: 'kpi-co',
    });
    ({ writeKey, token } = pipeline);
    ({ ingestion, 'health-scoring': scoring, reporting } = pipeline.services);
  }, 90_000);

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('computes every KPI as worked out by hand, over REST, CSV and gRPC, and again after a rebuild', async () => {
    expect(
      (
        await api(scoring, '/v1/settings', {
          method: 'PUT',
          body: JSON.stringify({
            onboardingMilestones: ['Invited Team', 'Connected Data'],
            keyFeatures: [],
            renewalWindowDays: 90,
            touchHighMrr: 5000,
            touchLowMrr: 500,
          }),
        })
      ).status,
    ).toBe(200);
    const settings = await api(reporting, '/v1/reports/settings', {
      method: 'PUT',
      body: JSON.stringify({ currency: 'USD', rates: { EUR: 1.1 } }),
    });
    expect(settings.status).toBe(200);

    await send({
      batch: [
        // m1: A and B sign up; A completes onboarding on day 10.
        group('a-u1', 'acct-a', 'smb', at(m1, 1)),
        group('b-u1', 'acct-b', 'mid', at(m1, 1)),
        subscription('a-u1', 'acct-a', 'Started', 's-a1', 100, 'USD', at(m1, 5)),
        subscription('b-u1', 'acct-b', 'Started', 's-b1', 200, 'USD', at(m1, 8)),
        track('a-u1', 'acct-a', 'Onboarding Step Completed', at(m1, 10), { step: 'Invited Team' }),
        track('a-u1', 'acct-a', 'Onboarding Step Completed', at(m1, 10, 30), { step: 'Connected Data' }),
        // m2: A expands, B churns, C starts in EUR, D starts in GBP (no rate: an error).
        group('c-u1', 'acct-c', 'smb', at(m2, 1)),
        group('d-u1', 'acct-d', 'smb', at(m2, 1)),
        ...[1, 2, 3].map((day) => track('a-u1', 'acct-a', 'Signed In', at(m2, day))),
        track('a-u2', 'acct-a', 'Signed In', at(m2, 2)),
        track('b-u1', 'acct-b', 'Signed In', at(m2, 2)),
        track('c-u1', 'acct-c', 'Signed In', at(m2, 5)),
        track('a-u1', 'acct-a', 'Survey Responded', at(m2, 3), { survey: 'nps', score: 10 }),
        track('a-u1', 'acct-a', 'Survey Responded', at(m2, 3, 5), { survey: 'csat', score: 5 }),
        track('a-u2', 'acct-a', 'Survey Responded', at(m2, 4), { survey: 'nps', score: 3 }),
        track('a-u2', 'acct-a', 'Survey Responded', at(m2, 6), { survey: 'nps', score: 9 }),
        track('b-u1', 'acct-b', 'Survey Responded', at(m2, 2, 5), { survey: 'csat', score: 2 }),
        subscription('d-u1', 'acct-d', 'Started', 's-d1', 80, 'GBP', at(m2, 2)),
        subscription('a-u1', 'acct-a', 'Changed', 's-a1', 150, 'USD', at(m2, 10)),
        subscription('c-u1', 'acct-c', 'Started', 's-c1', 50, 'EUR', at(m2, 12)),
        subscription('b-u1', 'acct-b', 'Cancelled', 's-b1', 0, 'USD', at(m2, 15)),
        // m3: B comes back, C adds a subscription and shrinks the first.
        subscription('b-u1', 'acct-b', 'Started', 's-b2', 120, 'USD', at(m3, 3)),
        subscription('c-u1', 'acct-c', 'Started', 's-c2', 30, 'USD', at(m3, 20)),
        subscription('c-u1', 'acct-c', 'Changed', 's-c1', 20, 'EUR', at(m3, 25)),
        // m4: only A is active; no movement.
        track('a-u1', 'acct-a', 'Signed In', at(m4, 7)),
      ],
    });

    // Every figure, by hand. MRR: A 100 (m1) → 150 (m2); B 200 (m1) → 0 (m2) → 120 (m3);
    // C 50 EUR × 1.1 = 55 (m2) → 55 + 30 = 85 → 22 + 30 = 52 (m3); D's GBP is never summed.
    const expected: Record<string, Partial<KpiRow>> = {
      [m1]: {
        // nothing at the start; new 100 + 200
        startMrr: 0,
        endMrr: 300,
        arr: 3600,
        newMrr: 300,
        expansionMrr: 0,
        contractionMrr: 0,
        churnedMrr: 0,
        reactivationMrr: 0,
        logoChurnRate: null,
        grossMrrChurnRate: null,
        netMrrChurnRate: null,
        grr: null,
        nrr: null,
        grr12: null,
        nrr12: null,
        arpa: 150, // 300 / 2 paying accounts
        ltv: null,
        nps: null,
        csat: null,
        // a-u1 on days 1, 5, 10; b-u1 on days 1, 8: 5 user-days
        activeAccounts: 2,
        mau: 2,
        dauAvg: 5 / daysInMonth(current - 4),
        stickiness: 5 / daysInMonth(current - 4) / 2,
        onboardingCompletionRate: 0.5, // A (done day 10, 5 days after its start) of A and B
        upsellRate: null,
      },
      [m2]: {
        // S = {A 100, B 200}; end A 150 + B 0 + C 55 = 205 = 300 + 55 + 50 - 200
        startMrr: 300,
        endMrr: 205,
        arr: 2460,
        newMrr: 55,
        expansionMrr: 50,
        contractionMrr: 0,
        churnedMrr: 200,
        reactivationMrr: 0,
        logoChurnRate: 0.5, // B of {A, B}
        grossMrrChurnRate: 200 / 300,
        netMrrChurnRate: (200 - 50) / 300,
        grr: 100 / 300, // min(150, 100) + min(0, 200)
        nrr: 150 / 300, // 150 + 0
        grr12: null,
        nrr12: null,
        arpa: 102.5, // 205 / 2 (A, C)
        ltv: 205, // 102.5 / 0.5
        nps: 100, // a-u1 10, a-u2's latest 9: 2 promoters of 2
        csat: 0.5, // 5 and 2
        // a-u1 {1,2,3,10}, a-u2 {2,4,6}, b-u1 {2,15}, c-u1 {1,5,12}, d-u1 {1,2}: 14 user-days
        activeAccounts: 4,
        mau: 5,
        dauAvg: 14 / daysInMonth(current - 3),
        stickiness: 14 / daysInMonth(current - 3) / 5,
        onboardingCompletionRate: 0, // C and D started, neither onboarded
        upsellRate: 0.5, // A of {A, B}
      },
      [m3]: {
        // S = {A 150, C 55}; end 150 + 120 + 52 = 322 = 205 + 120 + 30 - 33
        startMrr: 205,
        endMrr: 322,
        arr: 3864,
        newMrr: 0,
        expansionMrr: 30,
        contractionMrr: 33,
        churnedMrr: 0,
        reactivationMrr: 120,
        logoChurnRate: 0,
        grossMrrChurnRate: 33 / 205,
        netMrrChurnRate: (33 - 30 - 120) / 205,
        grr: (150 + 52) / 205,
        nrr: (150 + 52) / 205,
        grr12: null,
        nrr12: null,
        arpa: 322 / 3,
        ltv: null, // no logo churn
        nps: null,
        csat: null,
        activeAccounts: 2,
        mau: 2,
        dauAvg: 3 / daysInMonth(current - 2),
        stickiness: 3 / daysInMonth(current - 2) / 2, // b-u1 {3}, c-u1 {20, 25}
        onboardingCompletionRate: null,
        upsellRate: 0.5, // C of {A, C}
      },
      [m4]: {
        startMrr: 322,
        endMrr: 322,
        arr: 3864,
        newMrr: 0,
        expansionMrr: 0,
        contractionMrr: 0,
        churnedMrr: 0,
        reactivationMrr: 0,
        logoChurnRate: 0,
        grossMrrChurnRate: 0,
        netMrrChurnRate: 0,
        grr: 1,
        nrr: 1,
        grr12: null,
        nrr12: null,
        arpa: 322 / 3,
        ltv: null,
        nps: null,
        csat: null,
        activeAccounts: 1,
        mau: 1,
        dauAvg: 1 / daysInMonth(current - 1),
        stickiness: 1 / daysInMonth(current - 1),
        onboardingCompletionRate: null,
        upsellRate: 0,
      },
    };

    const settled = (report: KpiReport) =>
      report.months.length === 4 &&
      report.months[3]!.endMrr === 322 &&
      report.months[1]!.mau === 5 &&
      report.months[0]!.onboardingCompletionRate === 0.5 &&
      report.months[1]!.nps === 100;
    const before = await waitFor(
      async () => {
        const report = await kpis();
        return settled(report) ? report : undefined;
      },
      { what: 'the KPIs to reflect every event', timeoutMs: 40_000, intervalMs: 500 },
    );

    expect(before.currency).toBe('USD');
    expect(before.months.map((m) => m.month)).toEqual([m1, m2, m3, m4]);
    for (const row of before.months) {
      const want = expected[row.month]!;
      for (const [field, value] of Object.entries(want)) {
        const got = row[field as keyof KpiRow];
        if (value === null) expect({ [field]: got }).toEqual({ [field]: null });
        else
          expect({ month: row.month, field, got: Number((got as number).toFixed(9)) }).toEqual({
            month: row.month,
            field,
            got: Number((value as number).toFixed(9)),
          });
      }
    }
    expect(before.errors).toEqual([
      expect.objectContaining({ accountId: 'acct-d', currency: 'GBP', subscriptionId: 's-d1', amount: 80 }),
    ]);

    // A slice by the segment at the end of the month (the segments came with account.updated).
    // m2, smb = {A, C, D}: S = {A 100}; end 150 + 55; users a-u1, a-u2, c-u1, d-u1: 4+3+3+2 = 12 user-days.
    const smb = await waitFor(
      async () => {
        const report = await kpis('&segment=smb');
        return report.months[1]?.startMrr === 100 && report.months[1]?.mau === 4 ? report : undefined;
      },
      { what: 'the segments to arrive', timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(smb.months[1]).toMatchObject({
      startMrr: 100,
      endMrr: 205,
      newMrr: 55,
      expansionMrr: 50,
      churnedMrr: 0,
      logoChurnRate: 0,
      grr: 1,
      nrr: 1.5,
      activeAccounts: 3,
      mau: 4,
      nps: 100,
      csat: 1,
      upsellRate: 1,
    });
    expect(smb.months[1]!.dauAvg).toBeCloseTo(12 / daysInMonth(current - 3), 9);
    expect(smb.warnings).toEqual([]);
    // Segments compare without regard to case; a segment no account has is answered, with a warning.
    const upper = await kpis('&segment=SMB');
    expect(upper.months).toEqual(smb.months);
    expect(upper.warnings).toEqual([]);
    const nobody = await kpis('&segment=Strategic');
    expect(nobody.warnings).toEqual([
      { code: 'matches_no_account', field: 'segment', message: expect.stringContaining('"Strategic"') },
    ]);
    expect(nobody.months.map((m) => m.activeAccounts)).toEqual(nobody.months.map(() => 0));

    // CSV: the same rows, every field by name.
    const csv = await api(reporting, `/v1/reports/kpis?from=${m1}&to=${m4}`, {
      headers: { accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(KPI_FIELDS.join(','));
    expect(lines[2]!.split(',').slice(0, 3)).toEqual([m2, '300', '205']);

    // Movements, each, for B: a new business, a churn and a reactivation.
    const movements = await api(reporting, `/v1/reports/mrr-movements?from=${m1}&to=${m4}&accountId=acct-b`);
    const detail = (await movements.json()) as { items: { type: string; amount: number }[] };
    expect(detail.items.map((m) => [m.type, m.amount])).toEqual([
      ['new', 200],
      ['churn', 200],
      ['reactivation', 120],
    ]);

    // Bad parameters: 400 with every problem and its field path.
    const bad = await api(reporting, '/v1/reports/kpis?from=2026-13&to=2026&touchModel=none');
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    expect(problems).toEqual(['from', 'to', 'touchModel']);
    const reversed = await api(reporting, `/v1/reports/kpis?from=${m4}&to=${m1}`);
    expect(reversed.status).toBe(400);

    // gRPC, with the same token, answers the same figures; reflection lists the service.
    const { call, close } = reportingGrpcClient(grpcPort, token);
    const viaGrpc = await call<{ currency: string; months: Record<string, unknown>[] }>('GetKpis', {
      from: m1,
      to: m4,
    });
    expect(viaGrpc.currency).toBe('USD');
    expect(viaGrpc.months[1]).toMatchObject({
      month: m2,
      startMrr: 300,
      endMrr: 205,
      churnedMrr: 200,
      mau: 5,
      nps: 100,
      ltv: 205,
    });
    expect(viaGrpc.months[1]!['logoChurnRate']).toBe(0.5);
    // unset optional fields stand for null
    expect(viaGrpc.months[0]!['_logoChurnRate']).toBeUndefined();
    expect(viaGrpc.months[0]!['logoChurnRate']).toBeUndefined();
    const grpcMoves = await call<{ months: { month: string; reactivationMrr: number }[]; items: unknown[] }>(
      'GetMrrMovements',
      { from: m1, to: m4 },
    );
    expect(grpcMoves.months[2]).toMatchObject({ month: m3, reactivationMrr: 120 });
    expect(grpcMoves.items).toEqual([]);
    const grpcDetail = await call<{ items: { type: string; amount: number }[] }>('GetMrrMovements', {
      from: m1,
      to: m4,
      accountId: 'acct-b',
    });
    expect(grpcDetail.items.map((m) => [m.type, m.amount])).toEqual(
      detail.items.map((m) => [m.type, m.amount]),
    );
    // Warnings over gRPC as over REST: a filter value no account has, none for one that matches.
    type Warned = { warnings: { code: string; field: string; message: string }[] };
    expect((await call<Warned>('GetKpis', { from: m1, to: m4, segment: 'SMB' })).warnings).toEqual([]);
    const grpcNobody = await call<Warned & { months: { activeAccounts: number }[] }>('GetKpis', {
      from: m1,
      to: m4,
      segment: 'Strategic',
      owner: 'nobody@example.com',
    });
    expect(grpcNobody.warnings).toEqual([
      { code: 'matches_no_account', field: 'segment', message: expect.stringContaining('"Strategic"') },
      {
        code: 'matches_no_account',
        field: 'owner',
        message: expect.stringContaining('"nobody@example.com"'),
      },
    ]);
    expect(grpcNobody.warnings).toEqual(
      (await kpis('&segment=Strategic&owner=nobody%40example.com')).warnings,
    );
    const grpcMovesNobody = await call<Warned & { items: unknown[] }>('GetMrrMovements', {
      from: m1,
      to: m4,
      detail: true,
      plan: 'no-such-plan',
    });
    expect(grpcMovesNobody.warnings).toEqual([
      { code: 'matches_no_account', field: 'plan', message: expect.stringContaining('"no-such-plan"') },
    ]);
    expect(grpcMovesNobody.items).toEqual([]);
    await expect(call('GetKpis', { from: 'x', to: m4 })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(call('GetKpis', { from: m1, to: m4 }, new grpc.Metadata())).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    const reflection = grpc.loadPackageDefinition(protoLoader.loadSync(REFLECTION_PROTO)) as unknown as {
      grpc: { reflection: { v1alpha: { ServerReflection: grpc.ServiceClientConstructor } } };
    };
    const reflector = new reflection.grpc.reflection.v1alpha.ServerReflection(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    const services = await new Promise<string[]>((resolve, reject) => {
      const stream = (
        reflector['serverReflectionInfo'] as () => grpc.ClientDuplexStream<
          object,
          { listServicesResponse?: { service: { name: string }[] } }
        >
      )();
      stream.on('data', (reply) => {
        resolve((reply.listServicesResponse?.service ?? []).map((entry: { name: string }) => entry.name));
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ listServices: '*' });
    });
    expect(services).toContain('tsuzuku.reporting.v1.ReportingService');
    close();
    reflector.close();

    // A rebuild empties the read models and replays the topics: the same numbers.
    const movementsBefore = await (
      await api(reporting, `/v1/reports/mrr-movements?from=${m1}&to=${m4}&detail=true`)
    ).json();
    const rebuilt = await runBuiltScript('reporting', 'rebuild.js', [], { ...pipeline.env });
    expect(rebuilt.stderr.slice(-2000)).not.toMatch(/rebuild failed/);
    expect(rebuilt.code).toBe(0);
    const summary = rebuilt.stdout.split('\n').find((line) => line.startsWith('{"rebuilt":true'));
    expect(JSON.parse(summary ?? '{}')).toMatchObject({ rebuilt: true });
    expect(await kpis()).toEqual(before);
    expect(await kpis('&segment=smb')).toEqual(smb);
    expect(
      await (await api(reporting, `/v1/reports/mrr-movements?from=${m1}&to=${m4}&detail=true`)).json(),
    ).toEqual(movementsBefore);

    // A rate for GBP: D's event is converted (80 × 1.25 = 100, new business in m2) and no longer an error.
    const withGbp = await api(reporting, '/v1/reports/settings', {
      method: 'PUT',
      body: JSON.stringify({ currency: 'USD', rates: { EUR: 1.1, GBP: 1.25 } }),
    });
    expect(await withGbp.json()).toMatchObject({
      currency: 'USD',
      rates: { EUR: 1.1, GBP: 1.25 },
      rederived: 4,
    });
    const converted = await kpis();
    expect(converted.errors).toEqual([]);
    expect(converted.months[1]).toMatchObject({ newMrr: 155, endMrr: 305, startMrr: 300 });
    expect(converted.months[3]).toMatchObject({ startMrr: 422, endMrr: 422 });
  }, 120_000);
});
