import { BackgroundJobs } from '@tsuzuku/platform-database';
import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase, seededRandom } from '@tsuzuku/platform-testing';
import type { AccountUpdatedData, ChurnRisk } from '@tsuzuku/contracts';
import { AccountsRepository } from '../../src/accounts/accounts.repository';
import { healthScoringDatabase } from '../../src/database/health-scoring.database';
import { ChurnModelRepository } from '../../src/predictions/churn-model.repository';
import { ChurnModelService } from '../../src/predictions/churn-model.service';
import { addDays } from '../../src/predictions/domain/training-set';
import { PredictionsRepository } from '../../src/predictions/predictions.repository';
import { mediumConfig, newWorkspace, scoringEngine } from './factories';

const TODAY = '2026-12-01';
const START = '2025-12-01';

/** One built account: its steady sign-ins, and the day it churned if it did. */
interface Built {
  readonly id: string;
  readonly signIns: number;
  readonly churnedOn: string | null;
}

/**
 * The churn model on a history written straight into a migrated database: weekly score-history
 * points whose sign-ins planted the churn hazard (the fewer, the likelier a churn), subscription
 * events, and the accounts' subscription state. Training, prediction, storage and the
 * announcement through the outbox run as the service wires them, without HTTP or Kafka; the
 * expected probabilities are computed here from the stored coefficients.
 */
describe('churn model on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let service: ChurnModelService;
  let models: ChurnModelRepository;
  let accountsApi: AccountsRepository;
  const clock = new ManualClock(new Date(`${TODAY}T12:00:00.000Z`));
  const config = mediumConfig();

  beforeAll(async () => {
    database = await createMigratedDatabase('health_scoring_churn_model', healthScoringDatabase);
    const ds = database.dataSource;
    const engine = scoringEngine(ds, clock, config);
    models = new ChurnModelRepository(ds);
    accountsApi = new AccountsRepository(ds);
    // The scheduled job is not started here: each test trains on request.
    service = new ChurnModelService(
      new PredictionsRepository(ds),
      models,
      engine.rescoring,
      ds,
      config,
      {} as BackgroundJobs,
      clock,
    );
  });

  afterAll(async () => {
    await database?.close();
  });

  async function build(ws: string, accounts: readonly Built[]): Promise<void> {
    for (const a of accounts) {
      const subscriptions = {
        s: { active: a.churnedOn === null, at: `${a.churnedOn ?? START}T10:00:00.000Z` },
      };
      await database.db.query(
        `INSERT INTO health_scoring.accounts (workspace_id, account_id, first_seen_at, subscriptions, churned_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          ws,
          a.id,
          `${START}T00:00:00Z`,
          JSON.stringify(subscriptions),
          a.churnedOn ? `${a.churnedOn}T10:00:00Z` : null,
        ],
      );
      for (
        let day = START;
        day <= TODAY && (a.churnedOn === null || day < a.churnedOn);
        day = addDays(day, 7)
      )
        await database.db.query(
          `INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, coverage, reason, measures)
           VALUES ($1, $2, $3, 50, 1, 'built', $4)`,
          [ws, a.id, `${day}T18:00:00Z`, JSON.stringify({ sign_ins_30d: a.signIns, latest_nps: null })],
        );
      const events: [string, string][] = [[START, 'Subscription Started']];
      if (a.churnedOn) events.push([a.churnedOn, 'Subscription Cancelled']);
      for (const [i, [day, name]] of events.entries())
        await database.db.query(
          `INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [ws, a.id, `${a.id}-e${i}`, `${day}T10:00:00Z`, name, JSON.stringify({ subscription_id: 's' })],
        );
    }
  }

  /** `count` accounts whose monthly churn chance falls with their sign-ins (from 30 % at 0 to 1 % at 30). */
  function planted(count: number, seed: number): Built[] {
    const next = seededRandom(seed);
    return Array.from({ length: count }, (_, i) => {
      const signIns = Math.round(next() * 30);
      const monthly = 0.3 - (0.29 * signIns) / 30;
      let churnedOn: string | null = null;
      for (let day = addDays(START, 30); day < TODAY && churnedOn === null; day = addDays(day, 30))
        if (next() < monthly) churnedOn = day;
      return { id: `acct-${String(i).padStart(3, '0')}`, signIns, churnedOn };
    });
  }

  const risksOf = async (ws: string) =>
    new Map(
      (
        await database.db.query<{
          account_id: string;
          churn_probability: string | null;
          churn_risk: ChurnRisk | null;
        }>(
          'SELECT account_id, churn_probability, churn_risk FROM health_scoring.accounts WHERE workspace_id = $1',
          [ws],
        )
      ).map((r) => [r.account_id, r]),
    );

  it('trains on the planted history, predicts each account that has not churned as its coefficients say, and announces it', async () => {
    const ws = newWorkspace();
    const accounts = planted(120, 11);
    await build(ws, accounts);
    const churned = accounts.filter((a) => a.churnedOn !== null);
    expect(churned.length).toBeGreaterThanOrEqual(10);

    const trained = await service.train(ws, 'request');
    if (!trained.model) throw new Error(`no model: ${trained.reason}`);
    expect(trained).toMatchObject({ workspaceId: ws, cutoff: TODAY, horizonDays: 90, trigger: 'request' });
    expect(await models.latest(ws)).toEqual(trained);
    // The planted signal: fewer sign-ins, likelier churn; and the model tells churners apart.
    const { model } = trained;
    const coefficient = (feature: string) => model.coefficients[model.features.indexOf(feature)]!;
    // Sign-ins are a count: the model reads log(1 + sign-ins).
    expect(coefficient('sign_ins_30d:log')).toBeLessThan(0);
    for (const feature of model.features)
      expect(Math.abs(coefficient(feature))).toBeLessThanOrEqual(Math.abs(coefficient('sign_ins_30d:log')));
    expect(trained.holdoutAuc).toBeGreaterThan(0.7);

    const risks = await risksOf(ws);
    for (const a of accounts) {
      const stored = risks.get(a.id)!;
      if (a.churnedOn !== null) {
        expect(stored.churn_risk).toBeNull();
        continue;
      }
      // sigmoid(intercept + Σ coefficient × standardised value), a missing value counting as the mean:
      // log(1 + sign-ins), and no change over 30 days.
      const values: Record<string, number | null> = {
        'sign_ins_30d:log': Math.log(1 + a.signIns),
        'sign_ins_30d:change_30d': 0,
      };
      const z = model.features.reduce((sum, feature, i) => {
        const value = values[feature] ?? null;
        return (
          sum + (value === null ? 0 : (model.coefficients[i]! * (value - model.means[i]!)) / model.scales[i]!)
        );
      }, model.intercept);
      const expected = 1 / (1 + Math.exp(-z));
      expect(stored.churn_risk!.probability).toBeCloseTo(expected, 5);
      expect(Number(stored.churn_probability)).toBe(stored.churn_risk!.probability);
      expect(stored.churn_risk).toMatchObject({ modelId: trained.id, cutoff: TODAY, horizonDays: 90 });
      // The sign-ins shown as the account had them, not as their logarithm.
      expect(stored.churn_risk!.contributions.find((c) => c.feature === 'sign_ins_30d:log')).toMatchObject({
        label: 'sign-ins (30 days)',
        value: a.signIns,
      });
    }

    // The announcement: account.updated on the outbox carries the prediction of the account.
    const subscribed = accounts.find((a) => a.churnedOn === null)!;
    const messages = await database.db.query<{ value: unknown }>(
      'SELECT value FROM health_scoring.outbox WHERE message_key = $1 ORDER BY id',
      [`${ws}:${subscribed.id}`],
    );
    const updates = messages
      .map((r) => JSON.parse(Buffer.isBuffer(r.value) ? r.value.toString() : String(r.value)))
      .filter((e: { type: string }) => e.type === 'account.updated') as { data: AccountUpdatedData }[];
    expect(updates.at(-1)?.data.churnRisk).toEqual(risks.get(subscribed.id)!.churn_risk);
  });

  it('lists the accounts by churn probability, highest first, page after page, and filters on a least probability', async () => {
    const ws = newWorkspace();
    await build(ws, planted(120, 23));
    const trained = await service.train(ws, 'request');
    expect(trained.model).not.toBeNull();
    const stored = [...(await risksOf(ws)).values()].filter((r) => r.churn_probability !== null);
    const expected = stored
      .sort(
        (a, b) =>
          Number(b.churn_probability) - Number(a.churn_probability) || (a.account_id < b.account_id ? -1 : 1),
      )
      .map((r) => r.account_id);
    const now = clock.now();
    const seen: string[] = [];
    let after: { sort: '-churnRisk'; key: string | null; accountId: string } | undefined;
    for (;;) {
      const page = await accountsApi.page(ws, {}, '-churnRisk', after, 7, now);
      seen.push(...page.map((r) => r.accountId));
      if (page.length < 7) break;
      const last = page.at(-1)!;
      after = { sort: '-churnRisk', key: last.churnKey, accountId: last.accountId };
    }
    // Predicted accounts first in order, then the churned ones (no prediction), by id.
    expect(seen.slice(0, expected.length)).toEqual(expected);
    expect(seen).toHaveLength(120);
    const median = Number(stored[Math.floor(stored.length / 2)]!.churn_probability);
    const atLeast = await accountsApi.page(ws, { minChurnRisk: median }, '-churnRisk', undefined, 200, now);
    expect(atLeast.map((r) => r.accountId)).toEqual(
      expected.filter((id) => Number(stored.find((r) => r.account_id === id)!.churn_probability) >= median),
    );
    expect(atLeast[0]!.churnRisk?.probability).toBe(Number(stored[0]!.churn_probability));
  });

  it('keeps no model and no prediction for a workspace with too little history, and says why', async () => {
    const ws = newWorkspace();
    await build(ws, [
      { id: 'a', signIns: 3, churnedOn: '2026-05-01' },
      { id: 'b', signIns: 20, churnedOn: null },
      { id: 'c', signIns: 25, churnedOn: null },
    ]);
    // A prediction left from an earlier model is taken away with it.
    await database.db.query(
      `UPDATE health_scoring.accounts SET churn_probability = 0.5, churn_risk = '{"probability":0.5}' WHERE workspace_id = $1`,
      [ws],
    );
    const trained = await service.train(ws, 'schedule');
    expect(trained.model).toBeNull();
    expect(trained.reason).toMatch(/^too little history: \d+ examples, 1 accounts churning/);
    expect(await models.latest(ws)).toMatchObject({ id: trained.id, model: null, trigger: 'schedule' });
    for (const r of (await risksOf(ws)).values())
      expect(r).toMatchObject({ churn_probability: null, churn_risk: null });
  });

  it('trains on schedule only the workspaces whose latest training is older than the allowed age', async () => {
    const ws = newWorkspace();
    await build(ws, planted(12, 5));
    expect(await models.due(clock.now())).toContain(ws);
    const trainedAt = Date.parse((await service.train(ws, 'request')).trainedAt);
    // What the job asks at a moment: the workspaces last trained before that moment less the age.
    const dueAt = (moment: number) => models.due(new Date(moment - config.CHURN_MODEL_MAX_AGE_MS));
    expect(await dueAt(trainedAt + config.CHURN_MODEL_MAX_AGE_MS - 1)).not.toContain(ws);
    expect(await dueAt(trainedAt + config.CHURN_MODEL_MAX_AGE_MS)).toContain(ws);
  });
});
