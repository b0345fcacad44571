import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { healthScoringDatabase } from '../../src/database/health-scoring.database';
import { BacktestService } from '../../src/predictions/backtest.service';
import { PredictionsRepository } from '../../src/predictions/predictions.repository';
import { Measure } from '../../src/scorecards/domain/scorecard';
import { ScorecardRepository } from '../../src/scorecards/scorecard.repository';
import { ScorecardsService } from '../../src/scorecards/scorecards.service';
import { mediumConfig, newWorkspace, noRelay } from './factories';

/**
 * The backtest on a hand-built history in a migrated database: score history points with metric
 * values, subscription events and MRR points written directly; the expected figures are worked
 * out here from the values, without the service's code.
 */
describe('backtest on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let scorecards: ScorecardsService;
  let backtests: BacktestService;
  const config = mediumConfig();

  beforeAll(async () => {
    database = await createMigratedDatabase('health_scoring_backtest', healthScoringDatabase);
    const ds = database.dataSource;
    scorecards = new ScorecardsService(ds, new ScorecardRepository(ds), config, noRelay);
    backtests = new BacktestService(
      scorecards,
      new PredictionsRepository(ds),
      new ManualClock(new Date('2026-09-01T12:00:00.000Z')),
    );
  });

  afterAll(async () => {
    await database?.close();
  });

  /** Sign-ins over 30 days: fewer than 5 earn 0 points, up to 20 earn 50, 20 and more 100. */
  const usage: Measure = {
    id: 'usage',
    label: 'Sign-ins in 30 days',
    category: 'engagement',
    metric: 'sign_ins_30d',
    method: {
      kind: 'ranges',
      ranges: [
        { to: 5, points: 0 },
        { from: 5, to: 20, points: 50 },
        { from: 20, points: 100 },
      ],
    },
    direction: 'higher_is_better',
    weight: 100,
  };
  const usagePoints = (v: number) => (v < 5 ? 0 : v < 20 ? 50 : 100);
  /** Its change over 30 days: 0 % is 50 points, +100 % 100, -100 % 0. */
  const trend: Measure = { ...usage, id: 'trend', method: { kind: 'trend', days: 30, fullAt: 1 } };
  const trendPoints = (now: number, before: number) =>
    Math.min(100, Math.max(0, 50 + 50 * (before === 0 ? Math.sign(now) : (now - before) / Math.abs(before))));

  /** One account's history: its points (day → sign_ins_30d, null: a point without values), churn, MRR. */
  interface Built {
    id: string;
    points: Record<string, number | null>;
    started: string;
    cancelled?: string;
    mrr?: [string, number][];
  }

  async function build(ws: string, accounts: Built[]): Promise<void> {
    for (const a of accounts) {
      await database.db.query(
        `INSERT INTO health_scoring.accounts (workspace_id, account_id, first_seen_at) VALUES ($1, $2, $3)`,
        [ws, a.id, `${a.started}T00:00:00Z`],
      );
      for (const [day, value] of Object.entries(a.points))
        await database.db.query(
          `INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, coverage, reason, measures)
           VALUES ($1, $2, $3, 50, 1, 'built', $4)`,
          [ws, a.id, `${day}T18:00:00Z`, value === null ? null : JSON.stringify({ sign_ins_30d: value })],
        );
      const events: [string, string][] = [[a.started, 'Subscription Started']];
      if (a.cancelled) events.push([a.cancelled, 'Subscription Cancelled']);
      for (const [i, [day, name]] of events.entries())
        await database.db.query(
          `INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [ws, a.id, `${a.id}-e${i}`, `${day}T10:00:00Z`, name, JSON.stringify({ subscription_id: 's' })],
        );
      for (const [day, mrr] of a.mrr ?? [])
        await database.db.query(
          `INSERT INTO health_scoring.mrr_points (workspace_id, account_id, at, mrr) VALUES ($1, $2, $3, $4)`,
          [ws, a.id, `${day}T10:00:00Z`, mrr],
        );
    }
  }

  /** AUC by counting pairs: 1 when the account with the outcome is the riskier (lower score), ½ on a tie. */
  const pairAuc = (scored: { score: number; outcome: boolean }[]) => {
    let wins = 0;
    let pairs = 0;
    for (const p of scored.filter((s) => s.outcome))
      for (const n of scored.filter((s) => !s.outcome)) {
        pairs += 1;
        wins += p.score < n.score ? 1 : p.score === n.score ? 0.5 : 0;
      }
    return wins / pairs;
  };

  it('scores the churned on their values 30 days before, the others on the same days, and counts as worked out by hand', async () => {
    const ws = newWorkspace();
    // Churns in the period (April-June) 30 days after 03-21, 04-15 and 05-11; every other
    // account is scored on one of these days, and holds the same value on all three.
    const accounts: Built[] = [
      // Its value on 03-21 is the 03-01 point's: 2. The 04-01 point comes after its day.
      {
        id: 'c1',
        points: { '2026-01-01': 30, '2026-03-01': 2, '2026-04-01': 40 },
        started: '2026-01-01',
        cancelled: '2026-04-20',
      },
      // Two points on its day: the later one counts.
      {
        id: 'c2',
        points: { '2026-02-01': 3, '2026-04-15': 30 },
        started: '2026-01-01',
        cancelled: '2026-05-15',
      },
      {
        id: 'c3',
        points: { '2026-02-01': 10, '2026-05-12': 0 },
        started: '2026-01-01',
        cancelled: '2026-06-10',
      },
      { id: 'n1', points: { '2026-01-15': 25, '2026-07-01': 0 }, started: '2026-01-01' },
      { id: 'n2', points: { '2026-01-15': 12 }, started: '2026-01-01' },
      { id: 'n3', points: { '2026-01-15': 4 }, started: '2026-01-01' },
      { id: 'n4', points: { '2026-01-15': 60 }, started: '2026-01-01' },
      // Churned before the period, never back: not a customer on any day of the sample.
      { id: 'gone', points: { '2026-01-15': 1 }, started: '2026-01-01', cancelled: '2026-02-01' },
      // Churned after the period: no churn in it, so among those without the outcome.
      { id: 'late', points: { '2026-01-15': 8 }, started: '2026-01-01', cancelled: '2026-08-01' },
      // Only a point that kept no values: sampled, not scored.
      { id: 'blank', points: { '2026-01-15': null }, started: '2026-01-01' },
    ];
    // c2's second point of 04-15, later in the day than the first.
    await build(ws, accounts);
    await database.db.query(
      `INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, coverage, reason, measures)
       VALUES ($1, 'c2', '2026-04-15T20:00:00Z', 50, 1, 'built', '{"sign_ins_30d": 21}')`,
      [ws],
    );
    const card = await scorecards.create(ws, {
      name: 'usage',
      segment: 'smb',
      touchModel: null,
      draft: false,
      measures: [usage],
      bands: { red: 40, yellow: 70 },
    });

    const answer = await backtests.backtest(ws, card.id, {
      from: '2026-04-01',
      to: '2026-06-30',
      horizonDays: 30,
      outcome: 'churn',
    });

    const expected = [
      { id: 'c1', value: 2, outcome: true },
      { id: 'c2', value: 21, outcome: true },
      { id: 'c3', value: 10, outcome: true },
      { id: 'n1', value: 25, outcome: false },
      { id: 'n2', value: 12, outcome: false },
      { id: 'n3', value: 4, outcome: false },
      { id: 'n4', value: 60, outcome: false },
      { id: 'late', value: 8, outcome: false },
    ].map((e) => ({ ...e, score: usagePoints(e.value) }));
    const band = (s: number) => (s < 40 ? 'red' : s < 70 ? 'yellow' : 'green');
    expect(answer.sample).toEqual({
      accounts: 10,
      withOutcome: 3,
      withoutOutcome: 7,
      notCustomers: 1,
      sampled: 9,
      days: expect.any(Number),
    });
    expect(answer.sample.days).toBeLessThanOrEqual(3);
    expect(answer.result.counts).toEqual({ scored: 8, scoredWithOutcome: 3, unscored: 1 });
    expect(answer.result.auc).toBeCloseTo(pairAuc(expected), 12);
    const red = expected.filter((e) => band(e.score) === 'red');
    const tp = red.filter((e) => e.outcome).length;
    expect(answer.result.red.precision).toBeCloseTo(tp / red.length, 12);
    expect(answer.result.red.recall).toBeCloseTo(tp / expected.filter((e) => e.outcome).length, 12);
    expect(answer.result.byBand).toEqual(
      ['red', 'yellow', 'green'].map((group) => {
        const inBand = expected.filter((e) => band(e.score) === group);
        const outcomes = inBand.filter((e) => e.outcome).length;
        return {
          group,
          count: inBand.length,
          outcomes,
          rate: inBand.length === 0 ? null : outcomes / inBand.length,
        };
      }),
    );
    expect(answer.result.calibration.reduce((n, r) => n + r.count, 0)).toBe(8);
    expect(answer.result.calibration[0]).toMatchObject({ minScore: 0 });
  });

  it('compares with another scorecard on the same sample, reading the trend from the values a trend-length earlier', async () => {
    const ws = newWorkspace();
    // Every account has the values of 30 days before its day: all days are 2026-04-01 (churn on 05-01).
    await build(ws, [
      {
        id: 'c1',
        points: { '2026-03-02': 20, '2026-04-01': 10 },
        started: '2026-01-01',
        cancelled: '2026-05-01',
      },
      {
        id: 'c2',
        points: { '2026-03-02': 8, '2026-04-01': 6 },
        started: '2026-01-01',
        cancelled: '2026-05-01',
      },
      { id: 'n1', points: { '2026-03-02': 10, '2026-04-01': 15 }, started: '2026-01-01' },
      { id: 'n2', points: { '2026-03-02': 30, '2026-04-01': 30 }, started: '2026-01-01' },
      { id: 'n3', points: { '2026-03-02': 2, '2026-04-01': 3 }, started: '2026-01-01' },
    ]);
    const published = await scorecards.create(ws, {
      name: 'usage',
      segment: 'smb',
      touchModel: null,
      draft: false,
      measures: [usage],
      bands: { red: 40, yellow: 70 },
    });
    const candidate = await scorecards.create(ws, {
      name: 'trend',
      segment: 'mid',
      touchModel: null,
      draft: false,
      measures: [trend],
      bands: { red: 40, yellow: 70 },
    });
    const answer = await backtests.backtest(ws, published.id, {
      from: '2026-05-01',
      to: '2026-05-31',
      horizonDays: 30,
      outcome: 'churn',
      compareWith: candidate.id,
    });
    const rows = [
      { now: 10, before: 20, outcome: true },
      { now: 6, before: 8, outcome: true },
      { now: 15, before: 10, outcome: false },
      { now: 30, before: 30, outcome: false },
      { now: 3, before: 2, outcome: false },
    ];
    expect(answer.sample.days).toBe(1);
    expect(answer.result.scorecardId).toBe(published.id);
    expect(answer.result.auc).toBeCloseTo(
      pairAuc(rows.map((r) => ({ score: usagePoints(r.now), outcome: r.outcome }))),
      12,
    );
    expect(answer.comparison!.scorecardId).toBe(candidate.id);
    expect(answer.comparison!.auc).toBeCloseTo(
      pairAuc(
        rows.map((r) => ({ score: Math.round(trendPoints(r.now, r.before) * 10) / 10, outcome: r.outcome })),
      ),
      12,
    );
    // The trend ranks every churned account below every other: falling usage.
    expect(answer.comparison!.auc).toBe(1);
  });

  it('fits weights on the same sample and proposes a scorecard body', async () => {
    const ws = newWorkspace();
    const built: Built[] = [];
    for (let i = 0; i < 60; i += 1) {
      const churns = i % 3 === 0;
      // Churned accounts signed in less, with overlap; NPS carries nothing.
      const usageValue = churns ? (i * 7) % 15 : 8 + ((i * 11) % 30);
      built.push({
        id: `a${String(i).padStart(2, '0')}`,
        points: { '2026-02-01': usageValue },
        started: '2026-01-01',
        ...(churns ? { cancelled: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}` } : {}),
      });
    }
    await build(ws, built);
    await database.db.query(
      `UPDATE health_scoring.score_history SET measures = measures || jsonb_build_object('latest_nps', (id % 11)) WHERE workspace_id = $1`,
      [ws],
    );
    const card = await scorecards.create(ws, {
      name: 'two',
      segment: 'smb',
      touchModel: null,
      draft: false,
      measures: [
        { ...usage, weight: 50 },
        { ...usage, id: 'nps', metric: 'latest_nps', weight: 50 },
      ],
      bands: { red: 40, yellow: 70 },
    });
    const answer = await backtests.suggestedWeights(ws, card.id, {
      from: '2026-05-01',
      to: '2026-05-31',
      horizonDays: 30,
      outcome: 'churn',
    });
    expect(answer.examples).toBe(60);
    expect(answer.positives).toBe(20);
    expect(answer.crossValidation.meanAuc).toBeGreaterThan(0.7);
    expect(answer.weights.find((w) => w.measureId === 'usage')!.coefficient).toBeLessThan(0);
    expect(answer.draft!.measures.reduce((n, m) => n + m.weight, 0)).toBe(100);
    // The body saves as a draft as it is: it scores nothing, and is backtested beside the card.
    const saved = await scorecards.create(ws, { ...answer.draft!, segment: null, touchModel: null });
    expect(saved).toMatchObject({ draft: true, segment: null, touchModel: null, isDefault: false });
    expect(saved.measures.map((m) => m.weight)).toEqual(answer.draft!.measures.map((m) => m.weight));
    const side = await backtests.backtest(ws, card.id, {
      from: '2026-05-01',
      to: '2026-05-31',
      horizonDays: 30,
      outcome: 'churn',
      compareWith: saved.id,
    });
    expect(side.comparison).toMatchObject({ scorecardId: saved.id, scorecardName: saved.name });
    expect(side.comparison!.counts.scored).toBe(side.result.counts.scored);
    // Published without an audience: its measures and bands become the default's, and it is gone.
    const defaultBefore = (await scorecards.scorecardsOf(ws)).find((s) => s.isDefault)!;
    const published = await scorecards.publish(ws, saved.id);
    expect(published).toMatchObject({
      id: defaultBefore.id,
      isDefault: true,
      draft: false,
      name: defaultBefore.name,
      measures: saved.measures,
      bands: saved.bands,
      version: defaultBefore.version + 1,
    });
    expect((await scorecards.scorecardsOf(ws)).map((s) => s.id)).not.toContain(saved.id);
    await expect(scorecards.publish(ws, card.id)).rejects.toMatchObject({ code: 'not_a_draft' });

    await expect(
      backtests.suggestedWeights(ws, card.id, { from: '2026-07-01', to: '2026-07-31', outcome: 'churn' }),
    ).rejects.toMatchObject({ code: 'nothing_to_fit' });
  });
});
