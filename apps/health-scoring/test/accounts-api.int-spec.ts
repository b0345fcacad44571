import { randomUUID } from 'node:crypto';
import { ApiScope, LIFECYCLE_PHASES } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
  issueTestApiToken,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { AccountsModule } from '../src/accounts/accounts.module';
import type { MeasureResult } from '../src/scorecards/domain/health-score.calculator';
import { DEFAULT_BANDS } from '../src/scorecards/domain/scorecard';
import type { StoredMeasure } from '../src/scorecards/domain/stored-measures';

interface Override {
  id: string;
  score: number;
  reason: string;
  author: string;
  createdAt: string;
  expiresAt: string | null;
}
interface Health {
  score: number | null;
  band: string | null;
  computedScore: number | null;
  coverage: number;
  scorecardId: string | null;
  override: Override | null;
  scoredAt: string | null;
}
interface AccountSummary {
  accountId: string;
  name: string | null;
  segment: string | null;
  touchModel: string;
  phase: string;
  owner: string | null;
  health: Health;
  churnRisk: ReturnType<typeof churnRiskOf> | null;
}
interface Page {
  items: AccountSummary[];
  nextCursor: string | null;
}
interface Point {
  at: string;
  score: number | null;
  band: string | null;
  computedScore: number | null;
  coverage: number;
  reason: string;
}
interface Explanation extends Health {
  accountId: string;
  churnRisk: unknown;
  trend7d: number | null;
  trend30d: number | null;
  measures: (Omit<MeasureResult, 'share'> & { share: number; leftOut: boolean })[];
  decisive: {
    largestDeficits: { measureId: string; deficit: number }[];
    largestContributions: { measureId: string; contribution: number }[];
  };
  recentEvents: { eventId: string; occurredAt: string; name: string; detail: Record<string, unknown> }[];
  recentChanges: Point[];
}
interface Problems {
  statusCode: number;
  error: string;
  errors?: { path: string; message: string }[];
}

const DAY_MS = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/** The service as main.ts runs it, with the accounts API in case the app module does not have it yet. */
const serviceWithAccounts: ServiceDefinition<HealthScoringConfig> = {
  ...healthScoringService,
  module: (config) => {
    const root = healthScoringService.module(config);
    // Nest holds one instance of a module however often it is imported.
    return { ...root, imports: [...(root.imports ?? []), AccountsModule] };
  },
};

/** What workspace A holds: scores with ties and unscored accounts, names with duplicates and gaps. */
interface Seed {
  accountId: string;
  name: string | null;
  score: number | null;
  segment: string;
  touchModel: string;
  phase: string;
  owner: string;
}
const SCORES = [12.5, 30, 30, 45.2, 55, 55, 70, 88.8, 100, null];
const bandOf = (score: number | null) =>
  score === null ? null : score < 40 ? 'red' : score < 70 ? 'yellow' : 'green';
const seeds: Seed[] = Array.from({ length: 40 }, (_, i) => ({
  accountId: `acc-${String(i).padStart(2, '0')}`,
  name: i % 13 === 5 ? null : `${i % 4 === 0 ? 'NAME' : 'Name'} ${String((i * 7) % 20).padStart(2, '0')}`,
  score: SCORES[(i * 3) % SCORES.length]!,
  segment: ['smb', 'mid', 'ent'][i % 3]!,
  touchModel: ['high', 'low', 'tech'][Math.floor(i / 3) % 3]!,
  phase: LIFECYCLE_PHASES[i % 4]!,
  owner: i % 2 === 0 ? 'Ana@Example.com' : 'bo@example.com',
}));

const byScore = (direction: 1 | -1) => (a: Seed, b: Seed) => {
  if (a.score === null || b.score === null)
    return (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0) || compare(a.accountId, b.accountId);
  return direction * (a.score - b.score) || compare(a.accountId, b.accountId);
};
/** The churn probability seeded for the i-th account (ties on purpose), null for every fifth one. */
const churnOf = (i: number) => (i % 5 === 4 ? null : (((i * 7) % 10) * 10 + 5) / 100);
const churnRiskOf = (probability: number) => ({
  probability,
  horizonDays: 90,
  modelId: '00000000-0000-4000-8000-000000000001',
  trainedAt: '2026-12-01T00:00:00.000Z',
  cutoff: '2026-12-01',
  contributions: [{ feature: 'sign_ins_30d', label: 'sign-ins (30 days)', value: 3, contribution: 0.8 }],
});
const byName = (a: Seed, b: Seed) =>
  compare((a.name ?? a.accountId).toLowerCase(), (b.name ?? b.accountId).toLowerCase()) ||
  compare(a.accountId, b.accountId);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * The health acc-01 is seeded with: its score, the coverage of its measures, and its trends (7
 * days ago the point of 8 days ago was in effect; 30 days ago the one of 31 days ago).
 */
const seededHealthOfAcc01 = () => {
  const current = seeds[1]!.score!;
  return {
    score: current,
    band: bandOf(current),
    computedScore: current,
    coverage: 0.9,
    override: null,
    trend7d: -5,
    trend30d: -20,
  };
};
/** The distinct field paths of a 400, sorted. */
const paths = (problems: Problems) => [...new Set((problems.errors ?? []).map((e) => e.path))].sort();

/**
 * The accounts API of the real service on the real Postgres and Kafka: API tokens arrive on
 * cs.credentials.v1 as ingestion announces them; accounts, history and overrides are seeded with
 * SQL; overrides go through the real scoring engine.
 */
describe('accounts API', () => {
  const workspaceA = `ws_${randomUUID().slice(0, 8)}`;
  const workspaceB = `ws_${randomUUID().slice(0, 8)}`;
  const workspaceC = `ws_${randomUUID().slice(0, 8)}`;
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let publisher: EventPublisher;
  let readA: string;
  let writeA: string;
  let tokenB: string;
  let writeC: string;
  let adminC: string;

  const api = async <T>(token: string | null, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const issueToken = (workspaceId: string, scopes: ApiScope[], label: string) =>
    issueTestApiToken(publisher, service.url, workspaceId, scopes, label);

  const insertAccount = (
    workspaceId: string,
    a: Partial<Seed> & { accountId: string },
    extra: { computed?: number | null; measures?: StoredMeasure[]; coverage?: number } = {},
  ) =>
    db.query(
      `INSERT INTO health_scoring.accounts (workspace_id, account_id, name, segment, touch_model, phase,
         owner, computed_score, score, band, coverage, measures, first_seen_at, scored_at, plan, mrr,
         renewal_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'pro', 1200.5, '2027-03-31')`,
      [
        workspaceId,
        a.accountId,
        a.name ?? null,
        a.segment ?? null,
        a.touchModel ?? 'tech',
        a.phase ?? 'adoption',
        a.owner ?? null,
        extra.computed === undefined ? (a.score ?? null) : extra.computed,
        a.score ?? null,
        bandOf(a.score ?? null),
        extra.coverage ?? (a.score === null ? 0 : 1),
        JSON.stringify(extra.measures ?? []),
        ago(90),
        a.score === null ? null : ago(0.1),
      ],
    );

  const insertHistory = (
    workspaceId: string,
    accountId: string,
    daysAgo: number,
    score: number,
    reason: string,
  ) =>
    db.query(
      `INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, band, computed_score, coverage, reason)
       VALUES ($1, $2, $3, $4, $5, $4, 1, $6)`,
      [workspaceId, accountId, ago(daysAgo), score, bandOf(score), reason],
    );

  const overrideRows = (workspaceId: string, accountId: string) =>
    db.query<{
      score: string;
      reason: string;
      author: string;
      expires_at: Date | null;
      ended_why: string | null;
    }>(
      `SELECT score, reason, author, expires_at, ended_why FROM health_scoring.overrides
       WHERE workspace_id = $1 AND account_id = $2 ORDER BY created_at, ended_at NULLS LAST`,
      [workspaceId, accountId],
    );

  /** Every page of a listing, following nextCursor. */
  const allPages = async (token: string, query: string) => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/accounts?${query}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api<Page>(token, 'GET', path);
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 100);
    return pages;
  };

  // acc-01's measures as its row keeps them, and as the API must explain them: labelled by its
  // scorecard, each carrying its weight's share of the weight with data.
  const stored: StoredMeasure[] = [
    storedMeasure('logins', 'engagement', 'sign_ins_30d', 20, 12),
    storedMeasure('features', 'adoption', 'key_features_adopted', 90, 9),
    storedMeasure('nps', 'sentiment', 'latest_nps', 50, 9),
    storedMeasure('tickets', 'support', 'open_tickets_30d', null, 10),
  ];
  const weightWithData = stored.filter((m) => m.points !== null).reduce((sum, m) => sum + m.weight, 0);
  const measures: MeasureResult[] = stored.map((m) => {
    const share = m.points === null ? 0 : m.weight / weightWithData;
    return {
      measureId: m.id,
      label: `The ${m.id}`,
      category: m.category,
      metric: m.metric,
      value: m.value,
      points: m.points,
      weight: m.weight,
      share,
      contribution: m.points === null ? 0 : m.points * share,
    };
  });

  beforeAll(async () => {
    db = await createTestDatabase('accounts_api');
    // No override expiry check nor sweep during the test: they would rescore the seeded accounts.
    service = await startTestService(serviceWithAccounts, {
      DATABASE_URL: db.url,
      OVERRIDE_CHECK_MS: '3600000',
      SWEEP_INTERVAL_MS: '3600000',
    });
    publisher = new EventPublisher(
      new KafkaConnection(
        loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] }),
        'accounts-api-test',
      ),
    );
    [readA, writeA, tokenB, writeC, adminC] = await Promise.all([
      issueToken(workspaceA, ['read'], 'dashboard'),
      issueToken(workspaceA, ['read', 'write'], 'cs-lead-a'),
      issueToken(workspaceB, ['read', 'write'], 'other-workspace'),
      issueToken(workspaceC, ['read', 'write'], 'cs-lead'),
      issueToken(workspaceC, ['admin'], 'ops-admin'),
    ]);

    for (const seed of seeds) await insertAccount(workspaceA, seed);
    for (const [i, seed] of seeds.entries()) {
      const probability = churnOf(i);
      if (probability !== null)
        await db.query(
          `UPDATE health_scoring.accounts SET churn_probability = $3, churn_risk = $4
           WHERE workspace_id = $1 AND account_id = $2`,
          [workspaceA, seed.accountId, probability, JSON.stringify(churnRiskOf(probability))],
        );
    }
    // acc-01 explains itself: measures, history for the trends, events, recent changes.
    const scorecardId = randomUUID();
    await db.query(
      `INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, draft, measures, bands)
       VALUES ($1, $2, 'acc-01 was scored with this', false, true, $3, $4)`,
      [
        scorecardId,
        workspaceA,
        JSON.stringify(
          stored.map((m) => ({
            id: m.id,
            label: `The ${m.id}`,
            category: m.category,
            metric: m.metric,
            method: { kind: 'boolean', threshold: 1 },
            direction: 'higher_is_better',
            weight: m.weight,
          })),
        ),
        JSON.stringify(DEFAULT_BANDS),
      ],
    );
    await db.query(
      `UPDATE health_scoring.accounts SET measures = $3, coverage = 0.9, scorecard_id = $4
       WHERE workspace_id = $1 AND account_id = $2`,
      [workspaceA, 'acc-01', JSON.stringify(stored), scorecardId],
    );
    const current = seeds[1]!.score!;
    await insertHistory(workspaceA, 'acc-01', 45, 80, 'sweep');
    await insertHistory(workspaceA, 'acc-01', 31, current + 20, 'Signed In');
    await insertHistory(workspaceA, 'acc-01', 8, current + 5, 'Ticket Opened');
    for (let i = 0; i < 12; i++)
      await insertHistory(workspaceA, 'acc-01', 6 - i * 0.5, current, `change ${i}`);
    for (let i = 0; i < 25; i++)
      await db.query(
        `INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
         VALUES ($1, 'acc-01', $2, $3, 'Ticket Opened', $4)`,
        [workspaceA, `ev-${String(i).padStart(2, '0')}`, ago(25 - i), JSON.stringify({ n: i })],
      );
    // acc-02 is under an active override; acc-03's override has expired, not yet ended by the engine.
    await db.query(
      `INSERT INTO health_scoring.overrides (id, workspace_id, account_id, score, reason, author, expires_at)
       VALUES ($1, $2, 'acc-02', 20, 'Champion left', 'someone', NULL),
              ($3, $2, 'acc-03', 99, 'Old news', 'someone', $4)`,
      [randomUUID(), workspaceA, randomUUID(), ago(1)],
    );
    // Workspace B has an account of the same id as one of A's, and one of its own.
    await insertAccount(workspaceB, { accountId: 'acc-00', name: 'Other workspace', score: 90 });
    await insertAccount(workspaceB, { accountId: 'b-only', name: 'Only in B', score: 10 });
    await insertAccount(workspaceC, { accountId: 'acc-ovr', name: 'Overridden', score: null });
  });

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await service?.close();
    await db?.drop();
  });

  describe('GET /v1/accounts', () => {
    it.each([
      ['score (default)', '', seeds.slice().sort(byScore(1)), 7],
      ['score', 'sort=score', seeds.slice().sort(byScore(1)), 40],
      ['-score', 'sort=-score', seeds.slice().sort(byScore(-1)), 6],
      ['name', 'sort=name', seeds.slice().sort(byName), 9],
    ])(
      'pages through every account by %s without duplicates or gaps',
      async (_what, sort, expected, limit) => {
        const pages = await allPages(readA, `${sort}&limit=${limit}`);
        const ids = pages.flatMap((p) => p.items.map((a) => a.accountId));
        expect(ids).toEqual(expected.map((s) => s.accountId));
        expect(new Set(ids).size).toBe(seeds.length);
        expect(pages).toHaveLength(Math.ceil(seeds.length / limit));
        for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(limit);
        expect(pages[pages.length - 1]!.nextCursor).toBeNull();
      },
    );

    it('answers one page of up to 50 by default (all 40 here), riskiest first, unscored last', async () => {
      const page = await api<Page>(readA, 'GET', '/v1/accounts');
      expect(page.body.items).toHaveLength(40);
      expect(page.body.nextCursor).toBeNull();
      const scores = page.body.items.map((a) => a.health.score);
      expect(scores[0]).toBe(12.5);
      expect(scores.slice(-4)).toEqual([null, null, null, null]);
    });

    it.each([
      ['band', 'band=red', (s: Seed) => bandOf(s.score) === 'red'],
      ['several bands', 'band=red,green', (s: Seed) => ['red', 'green'].includes(bandOf(s.score) ?? '')],
      [
        'repeated bands',
        'band=yellow&band=green',
        (s: Seed) => ['yellow', 'green'].includes(bandOf(s.score) ?? ''),
      ],
      ['segment', 'segment=mid', (s: Seed) => s.segment === 'mid'],
      ['touch model', 'touchModel=high', (s: Seed) => s.touchModel === 'high'],
      ['phase', 'phase=renewal,onboarding', (s: Seed) => ['renewal', 'onboarding'].includes(s.phase)],
      ['owner, whatever the case', 'owner=ana@example.COM', (s: Seed) => s.owner === 'Ana@Example.com'],
      [
        'name prefix, whatever the case',
        'q=name%200',
        (s: Seed) => (s.name ?? '').toLowerCase().startsWith('name 0'),
      ],
      ['id prefix', 'q=ACC-1', (s: Seed) => s.accountId.startsWith('acc-1')],
      ['a wildcard taken literally', 'q=%25', () => false],
      [
        'several filters at once',
        'segment=smb&owner=bo@example.com&band=yellow,green',
        (s: Seed) => s.segment === 'smb' && s.owner === 'bo@example.com' && (s.score ?? 0) >= 40,
      ],
    ])('filters by %s, across pages', async (_what, filter, keep) => {
      const pages = await allPages(readA, `${filter}&limit=4`);
      const ids = pages.flatMap((p) => p.items.map((a) => a.accountId));
      expect(ids).toEqual(
        seeds
          .filter(keep)
          .sort(byScore(1))
          .map((s) => s.accountId),
      );
    });

    it('shows each account with its profile and health, the active override included', async () => {
      const page = await api<Page>(readA, 'GET', '/v1/accounts?q=acc-02');
      expect(page.body.items).toEqual([
        {
          accountId: 'acc-02',
          name: seeds[2]!.name,
          plan: 'pro',
          mrr: 1200.5,
          seats: null,
          renewalDate: '2027-03-31',
          owner: 'Ana@Example.com',
          segment: 'ent',
          industry: null,
          phase: seeds[2]!.phase,
          touchModel: seeds[2]!.touchModel,
          churnRisk: churnRiskOf(churnOf(2)!),
          health: {
            score: seeds[2]!.score,
            band: bandOf(seeds[2]!.score),
            computedScore: seeds[2]!.score,
            coverage: 1,
            scorecardId: null,
            override: {
              id: expect.any(String),
              score: 20,
              reason: 'Champion left',
              author: 'someone',
              createdAt: expect.any(String),
              expiresAt: null,
            },
            scoredAt: expect.any(String),
          },
        },
      ]);
      const expired = await api<Page>(readA, 'GET', '/v1/accounts?q=acc-03');
      expect(expired.body.items[0]!.health.override).toBeNull();
    });

    it('refuses bad parameters with 400 and every problem with its field path', async () => {
      const bad = await api<Problems>(
        readA,
        'GET',
        '/v1/accounts?band=purple&limit=0&sort=risk&touchModel=&phase=churned&colour=blue',
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_request');
      expect(paths(bad.body)).toEqual(['band', 'colour', 'limit', 'phase', 'sort', 'touchModel'].sort());

      for (const limit of ['201', 'ten', '1.5', '-1']) {
        const response = await api<Problems>(readA, 'GET', `/v1/accounts?limit=${limit}`);
        expect([response.status, paths(response.body)]).toEqual([400, ['limit']]);
      }
    });

    it('pages through the accounts by churn probability, highest first, unpredicted last, and filters on a least one', async () => {
      const predicted = seeds.map((seed, i) => ({ id: seed.accountId, p: churnOf(i) }));
      const expected = predicted
        .slice()
        .sort((a, b) =>
          a.p === null || b.p === null
            ? (a.p === null ? 1 : 0) - (b.p === null ? 1 : 0) || compare(a.id, b.id)
            : b.p - a.p || compare(a.id, b.id),
        );
      const pages = await allPages(readA, 'sort=-churnRisk&limit=6');
      const items = pages.flatMap((p) => p.items);
      expect(items.map((a) => a.accountId)).toEqual(expected.map((e) => e.id));
      expect(items[0]!.churnRisk).toEqual(churnRiskOf(expected[0]!.p!));
      expect(items.at(-1)!.churnRisk).toBeNull();

      const filtered = await allPages(readA, 'sort=-churnRisk&minChurnRisk=0.55&limit=50');
      expect(filtered.flatMap((p) => p.items.map((a) => a.accountId))).toEqual(
        expected.filter((e) => e.p !== null && e.p >= 0.55).map((e) => e.id),
      );
      // The filter also holds under another sort.
      const byScoreFiltered = await allPages(readA, 'minChurnRisk=.85&limit=50');
      expect(byScoreFiltered.flatMap((p) => p.items.map((a) => a.accountId)).sort()).toEqual(
        expected
          .filter((e) => e.p !== null && e.p >= 0.85)
          .map((e) => e.id)
          .sort(),
      );
    });

    it.each(['1.5', '-0.1', 'abc', '1e-3', ''])('refuses minChurnRisk=%s, naming it', async (value) => {
      const refused = await api<Problems>(readA, 'GET', `/v1/accounts?minChurnRisk=${value}`);
      expect(refused.status).toBe(400);
      // Every problem found is the parameter's (not a number: also out of range).
      expect([...new Set(refused.body.errors?.map((e) => e.path))]).toEqual(['minChurnRisk']);
    });

    it('refuses a cursor it did not issue, or one issued for another sort', async () => {
      const garbage = await api<Problems>(readA, 'GET', '/v1/accounts?cursor=not-a-cursor!');
      expect([garbage.status, garbage.body.error]).toEqual([400, 'invalid_cursor']);
      expect(garbage.body.errors).toEqual([
        { path: 'cursor', message: expect.stringMatching(/not a cursor/) },
      ]);

      const byName = await api<Page>(readA, 'GET', '/v1/accounts?sort=name&limit=2');
      const crossed = await api<Problems>(
        readA,
        'GET',
        `/v1/accounts?sort=score&cursor=${byName.body.nextCursor}`,
      );
      expect([crossed.status, crossed.body.error]).toEqual([400, 'invalid_cursor']);
      expect(crossed.body.errors).toEqual([
        { path: 'cursor', message: 'was issued for accounts?sort=name, not accounts?sort=score' },
      ]);
    });

    it('shows a workspace its own accounts only', async () => {
      const pages = await allPages(tokenB, 'limit=1');
      expect(pages.flatMap((p) => p.items.map((a) => [a.accountId, a.name]))).toEqual([
        ['b-only', 'Only in B'],
        ['acc-00', 'Other workspace'],
      ]);
    });

    it('wants a token', async () => {
      expect((await api(null, 'GET', '/v1/accounts')).status).toBe(401);
    });
  });

  describe('/v1/churn-model', () => {
    interface ChurnModelAnswer {
      model: unknown;
      reason: string | null;
      lastTraining: { trigger: string; cutoff: string; examples: number; churnedAccounts: number } | null;
    }

    it('says there is none before a training, trains on request (write scope), and says why a workspace gets none', async () => {
      // A workspace of its own: the training rescores what it predicts, and A's accounts are seeded.
      const workspaceD = `ws_${randomUUID().slice(0, 8)}`;
      const [readD, writeD] = await Promise.all([
        issueToken(workspaceD, ['read'], 'dashboard-d'),
        issueToken(workspaceD, ['read', 'write'], 'cs-lead-d'),
      ]);
      await insertAccount(workspaceD, { accountId: 'd-1', name: 'Lonely', score: 50 });
      const before = await api<ChurnModelAnswer>(readD, 'GET', '/v1/churn-model');
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        model: null,
        reason: expect.stringMatching(/^not trained yet/),
        lastTraining: null,
      });

      expect((await api(readD, 'POST', '/v1/churn-model/train', {})).status).toBe(403);
      expect((await api(null, 'POST', '/v1/churn-model/train', {})).status).toBe(401);

      const trained = await api<ChurnModelAnswer>(writeD, 'POST', '/v1/churn-model/train', {});
      expect(trained.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(trained.body).toEqual({
        model: null,
        reason: expect.stringMatching(/^too little history: 0 examples, 0 accounts churning within 90 days/),
        lastTraining: expect.objectContaining({
          trigger: 'request',
          cutoff: today,
          examples: 0,
          churnedAccounts: 0,
        }),
      });
      expect((await api<ChurnModelAnswer>(readD, 'GET', '/v1/churn-model')).body).toEqual(trained.body);
      // Never a guess: the account has no probability.
      expect((await api<AccountSummary>(readD, 'GET', '/v1/accounts/d-1')).body.churnRisk).toBeNull();
    });
  });

  describe('GET /v1/accounts/:accountId', () => {
    it('shows profile, phase, touch model and health with trends', async () => {
      const account = await api<AccountSummary & Record<string, unknown>>(
        readA,
        'GET',
        '/v1/accounts/acc-01',
      );
      expect(account.status).toBe(200);
      expect(account.body).toMatchObject({
        accountId: 'acc-01',
        name: seeds[1]!.name,
        phase: seeds[1]!.phase,
        touchModel: seeds[1]!.touchModel,
        firstSeenAt: expect.any(String),
        lastSeenAt: null,
        traits: {},
        health: seededHealthOfAcc01(),
      });
    });

    it('has no trend without history that old', async () => {
      const account = await api<{ health: { trend7d: number | null; trend30d: number | null } }>(
        readA,
        'GET',
        '/v1/accounts/acc-04',
      );
      expect(account.body.health).toMatchObject({ trend7d: null, trend30d: null });
    });

    it("answers 404 for an unknown account and for another workspace's", async () => {
      const unknown = await api<Problems>(readA, 'GET', '/v1/accounts/nope');
      expect([unknown.status, unknown.body.error]).toEqual([404, 'account_not_found']);
      const otherWorkspace = await api<Problems>(tokenB, 'GET', '/v1/accounts/acc-05');
      expect([otherWorkspace.status, otherWorkspace.body.error]).toEqual([404, 'account_not_found']);
      const sameId = await api<AccountSummary>(tokenB, 'GET', '/v1/accounts/acc-00');
      expect(sameId.body.name).toBe('Other workspace');
    });
  });

  describe('GET /v1/accounts/:accountId/health', () => {
    it('explains the score: measures, what decided it, recent events and changes', async () => {
      const current = seeds[1]!.score!;
      const health = await api<Explanation>(readA, 'GET', '/v1/accounts/acc-01/health');
      expect(health.status).toBe(200);
      const body = health.body;
      expect(body).toMatchObject({ accountId: 'acc-01', ...seededHealthOfAcc01() });
      // The churn model's prediction, and why (seeded as the training keeps it).
      expect(body.churnRisk).toEqual(churnRiskOf(churnOf(1)!));
      expect(body.measures).toEqual(measures.map((m) => ({ ...m, leftOut: m.points === null })));
      // Deficits: logins 0.4 x 80 = 32, nps 0.3 x 50 = 15, features 0.3 x 10 = 3.
      expect(body.decisive.largestDeficits.map((m) => [m.measureId, m.deficit])).toEqual([
        ['logins', 32],
        ['nps', 15],
        ['features', 3],
      ]);
      expect(body.decisive.largestContributions.map((m) => [m.measureId, m.contribution])).toEqual([
        ['features', 27],
        ['nps', 15],
        ['logins', 8],
      ]);
      expect(body.recentEvents).toHaveLength(20);
      expect(body.recentEvents[0]).toEqual({
        eventId: 'ev-24',
        occurredAt: expect.any(String),
        name: 'Ticket Opened',
        detail: { n: 24 },
      });
      expect(body.recentEvents.map((e) => e.eventId)).toEqual(
        Array.from({ length: 20 }, (_, i) => `ev-${String(24 - i).padStart(2, '0')}`),
      );
      expect(body.recentChanges.map((c) => c.reason)).toEqual(
        Array.from({ length: 10 }, (_, i) => `change ${11 - i}`),
      );
      expect(body.recentChanges[0]).toEqual({
        at: expect.any(String),
        score: current,
        band: bandOf(current),
        computedScore: current,
        coverage: 1,
        reason: 'change 11',
      });
    });

    it('shows the active override beside the computed score', async () => {
      const health = await api<Explanation>(readA, 'GET', '/v1/accounts/acc-02/health');
      expect(health.body.override).toMatchObject({ score: 20, reason: 'Champion left' });
      expect(health.body.computedScore).toBe(seeds[2]!.score);
      expect(health.body.measures).toEqual([]);
      expect(health.body.decisive).toEqual({ largestDeficits: [], largestContributions: [] });
    });

    it("answers 404 for another workspace's account", async () => {
      expect((await api(tokenB, 'GET', '/v1/accounts/acc-01/health')).status).toBe(404);
    });
  });

  describe('GET /v1/accounts/:accountId/health/history', () => {
    it('gives the points in time order, with the trends', async () => {
      const history = await api<{ points: Point[]; truncated: boolean; trend7d: number; trend30d: number }>(
        readA,
        'GET',
        '/v1/accounts/acc-01/health/history',
      );
      expect(history.status).toBe(200);
      expect(history.body.points).toHaveLength(15);
      const times = history.body.points.map((p) => Date.parse(p.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(history.body.points[0]).toMatchObject({ score: 80, reason: 'sweep' });
      expect(history.body).toMatchObject({ truncated: false, trend7d: -5, trend30d: -20 });
    });

    it('keeps to the range, and to the latest points when limited', async () => {
      const from = ago(10);
      const to = ago(3);
      const ranged = await api<{ points: Point[]; from: string; to: string }>(
        readA,
        'GET',
        `/v1/accounts/acc-01/health/history?from=${from}&to=${to}`,
      );
      // The change of 3 days ago was written before `to` was taken: it is in the range.
      expect(ranged.body.points.map((p) => p.reason)).toEqual([
        'Ticket Opened',
        ...Array.from({ length: 7 }, (_, i) => `change ${i}`),
      ]);
      expect([ranged.body.from, ranged.body.to]).toEqual([from, to]);

      const limited = await api<{ points: Point[]; truncated: boolean }>(
        readA,
        'GET',
        '/v1/accounts/acc-01/health/history?limit=3',
      );
      expect(limited.body.points.map((p) => p.reason)).toEqual(['change 9', 'change 10', 'change 11']);
      expect(limited.body.truncated).toBe(true);
    });

    it('refuses a bad range or limit with field paths, and answers 404 across workspaces', async () => {
      const bad = await api<Problems>(
        readA,
        'GET',
        `/v1/accounts/acc-01/health/history?from=${ago(1)}&to=${ago(2)}&limit=5000`,
      );
      expect(bad.status).toBe(400);
      expect(paths(bad.body)).toEqual(['from', 'limit']);
      const notDate = await api<Problems>(readA, 'GET', '/v1/accounts/acc-01/health/history?to=yesterday');
      expect([notDate.status, paths(notDate.body)]).toEqual([400, ['to']]);
      expect((await api(tokenB, 'GET', '/v1/accounts/acc-01/health/history')).status).toBe(404);
    });
  });

  describe('GET /v1/accounts/:accountId/health?asOf=', () => {
    const day = (daysAgo: number) => ago(daysAgo).slice(0, 10);

    it('answers the point in effect at the end of that day', async () => {
      const asOf = await api<Point & { accountId: string; asOf: string; status: string; values: unknown }>(
        readA,
        'GET',
        `/v1/accounts/acc-01/health?asOf=${day(31)}`,
      );
      expect(asOf.status).toBe(200);
      // Seeded 31 days ago: the current score plus 20; the next point is 8 days ago.
      const score = seeds[1]!.score! + 20;
      expect(asOf.body).toMatchObject({
        accountId: 'acc-01',
        asOf: day(31),
        score,
        band: bandOf(score),
        coverage: 1,
        reason: 'Signed In',
        status: 'none',
        values: null,
      });
    });

    it('refuses a malformed or future day with 400 and its path, and answers 404 before the first point or across workspaces', async () => {
      for (const bad of ['2026-02-30', 'yesterday', '2026-1-5']) {
        const response = await api<Problems>(readA, 'GET', `/v1/accounts/acc-01/health?asOf=${bad}`);
        expect([bad, response.status, paths(response.body)]).toEqual([bad, 400, ['asOf']]);
      }
      const future = await api<Problems>(readA, 'GET', `/v1/accounts/acc-01/health?asOf=${day(-2)}`);
      expect([future.status, future.body.error, paths(future.body)]).toEqual([
        400,
        'as_of_in_future',
        ['asOf'],
      ]);
      const before = await api<Problems>(readA, 'GET', `/v1/accounts/acc-01/health?asOf=${day(60)}`);
      expect([before.status, before.body.error]).toEqual([404, 'no_health_as_of']);
      expect((await api(tokenB, 'GET', `/v1/accounts/acc-01/health?asOf=${day(31)}`)).status).toBe(404);
    });
  });

  describe('overrides', () => {
    const path = '/v1/accounts/acc-ovr/health/override';

    it('refuses an invalid override with 400 and every problem with its field path', async () => {
      const bad = await api<Problems>(writeC, 'POST', path, { score: 120, reason: '   ', expiresAt: ago(1) });
      expect(bad.status).toBe(400);
      expect(paths(bad.body)).toEqual(['expiresAt', 'reason', 'score']);
      expect(bad.body.errors!.find((e) => e.path === 'expiresAt')!.message).toMatch(/future/);

      const shape = await api<Problems>(writeC, 'POST', path, {
        score: '50',
        reason: 'ok',
        expiresAt: 'next week',
        by: 'me',
      });
      expect(paths(shape.body)).toEqual(['by', 'expiresAt', 'score']);
      const missing = await api<Problems>(writeC, 'POST', path, {});
      expect(paths(missing.body)).toEqual(['reason', 'score']);
      expect(await overrideRows(workspaceC, 'acc-ovr')).toEqual([]);
    });

    it('needs the write scope, and the workspace of the account', async () => {
      const body = { score: 10, reason: 'no' };
      expect((await api(readA, 'POST', '/v1/accounts/acc-05/health/override', body)).status).toBe(403);
      expect((await api(tokenB, 'POST', path, body)).status).toBe(404);
      expect((await api(tokenB, 'DELETE', '/v1/accounts/acc-02/health/override')).status).toBe(404);
      expect(await overrideRows(workspaceC, 'acc-ovr')).toEqual([]);
      expect(await overrideRows(workspaceA, 'acc-02')).toHaveLength(1);
      expect((await api(writeA, 'POST', '/v1/accounts/nope/health/override', body)).status).toBe(404);
    });

    it('sets, replaces and clears an override, which the engine applies', async () => {
      const expiresAt = new Date(Date.now() + 7 * DAY_MS).toISOString();
      const set = await api<Explanation>(writeC, 'POST', path, {
        score: 35,
        reason: '  Champion left  ',
        expiresAt,
      });
      expect(set.status).toBe(200);
      expect(set.body.override).toEqual({
        id: expect.any(String),
        score: 35,
        reason: 'Champion left',
        author: 'cs-lead',
        createdAt: expect.any(String),
        expiresAt,
      });
      expect([set.body.score, set.body.band]).toEqual([35, 'red']);
      expect(set.body.recentChanges[0]!.reason).toBe('override set');
      const stored = await db.query<{ score: string }>(
        'SELECT score FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2',
        [workspaceC, 'acc-ovr'],
      );
      expect(Number(stored[0]!.score)).toBe(35);

      // An admin token may too; the override it replaces ends as replaced.
      const replaced = await api<Explanation>(adminC, 'POST', path, { score: 80.5, reason: 'Renewed early' });
      expect(replaced.status).toBe(200);
      expect(replaced.body.override).toMatchObject({ score: 80.5, author: 'ops-admin', expiresAt: null });
      expect([replaced.body.score, replaced.body.band]).toEqual([80.5, 'green']);
      expect(await overrideRows(workspaceC, 'acc-ovr')).toEqual([
        {
          score: '35',
          reason: 'Champion left',
          author: 'cs-lead',
          expires_at: new Date(expiresAt),
          ended_why: 'replaced',
        },
        { score: '80.5', reason: 'Renewed early', author: 'ops-admin', expires_at: null, ended_why: null },
      ]);

      // A delete answers 204 with no body; the health, rescored before it, is read as always.
      expect(await api(writeC, 'DELETE', path)).toEqual({ status: 204, body: undefined });
      const cleared = await api<Explanation>(writeC, 'GET', '/v1/accounts/acc-ovr/health');
      expect(cleared.body.override).toBeNull();
      expect(cleared.body.score).toBe(cleared.body.computedScore);
      expect(cleared.body.recentChanges[0]!.reason).toBe('override cleared');
      expect((await overrideRows(workspaceC, 'acc-ovr')).map((o) => o.ended_why)).toEqual([
        'replaced',
        'cleared',
      ]);

      const again = await api<Problems>(writeC, 'DELETE', path);
      expect([again.status, again.body.error]).toEqual([404, 'override_not_found']);
      const unknown = await api<Problems>(writeC, 'DELETE', '/v1/accounts/nope/health/override');
      expect([unknown.status, unknown.body.error]).toEqual([404, 'account_not_found']);
    });
  });
});

function storedMeasure(
  id: string,
  category: StoredMeasure['category'],
  metric: StoredMeasure['metric'],
  points: number | null,
  weight: number,
): StoredMeasure {
  return { id, metric, category, value: points === null ? null : points / 10, points, weight };
}
