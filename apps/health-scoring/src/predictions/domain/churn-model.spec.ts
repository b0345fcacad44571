import { seededRandom } from '@tsuzuku/platform-testing';
import {
  CHURN_HORIZON_DAYS,
  MIN_CHURNED_ACCOUNTS,
  MAX_TRAINING_EXAMPLES,
  churnModelDays,
  churnObservationDays,
  predictChurn,
  trainChurnModel,
  trainingPlan,
} from './churn-model';
import { AccountTimeline, ValueSnapshot, addDays, snapshotOn } from './training-set';

const FROM = '2025-01-01';
const CUTOFF = '2026-01-01';
/** The planted histories are weekly: an observation every 14 days keeps these tests quick. */
const EVERY = 14;

/**
 * Accounts whose daily hazard of churning falls with `logins` (the planted signal); `noise` has no
 * effect. `leak` is 1 from the churn day on: known only once the outcome has happened.
 */
function plantedTimelines(count: number, seed: number, until = '2026-06-30'): AccountTimeline[] {
  const next = seededRandom(seed);
  const timelines: AccountTimeline[] = [];
  for (let i = 0; i < count; i += 1) {
    const logins = next() * 10;
    const noise = next() * 10;
    const monthlyChurn = 1 / (1 + Math.exp(-(-1 - 0.6 * (logins - 5))));
    let churnedOn: string | null = null;
    const snapshots: ValueSnapshot[] = [];
    for (let day = FROM; day <= until; day = addDays(day, 7)) {
      if (churnedOn === null && day > FROM && next() < monthlyChurn / 4.3) churnedOn = day;
      snapshots.push({ day, values: { logins, noise, leak: churnedOn === null ? 0 : 1 } });
      if (churnedOn !== null) break;
    }
    timelines.push({ accountId: `a${i}`, snapshots, churnedOn });
  }
  return timelines;
}

describe('churn model', () => {
  it('recovers the sign and order of size of a planted signal', () => {
    const result = trainChurnModel({
      timelines: plantedTimelines(300, 7),
      measures: ['logins', 'noise'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    if (result.kind !== 'model') throw new Error(result.reason);
    const coefficient = (name: string) => result.model.coefficients[result.model.features.indexOf(name)]!;
    // Fewer logins, more churn: a negative coefficient, far larger than the noise's.
    expect(coefficient('logins')).toBeLessThan(-0.5);
    expect(Math.abs(coefficient('noise'))).toBeLessThan(Math.abs(coefficient('logins')) / 4);
    // Survivors of later months have more logins, so the later range is narrower: lower, above chance.
    expect(result.holdoutAuc!).toBeGreaterThan(0.6);
    expect(result.crossValidatedAuc!).toBeGreaterThan(0.7);
    expect(result.horizonDays).toBe(CHURN_HORIZON_DAYS);
  });

  it('never sees a feature known only after the outcome, nor anything after the cutoff', () => {
    const timelines = plantedTimelines(300, 11);
    const withLeak = trainChurnModel({
      timelines,
      measures: ['logins', 'leak'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    if (withLeak.kind !== 'model') throw new Error(withLeak.reason);
    const leak = withLeak.model.features.indexOf('leak');
    // On every observation day the account had not churned yet, so the leak is 0 there: the model
    // cannot learn from it, and its coefficient is exactly zero.
    expect(withLeak.model.coefficients[leak]).toBe(0);
    expect(withLeak.model.means[leak]).toBe(0);
    // History after the cutoff does not change the model at all.
    const cut = timelines.map((t) => ({
      ...t,
      snapshots: t.snapshots.filter((s) => s.day <= CUTOFF),
      churnedOn: t.churnedOn !== null && t.churnedOn <= CUTOFF ? t.churnedOn : null,
    }));
    const onlyBefore = trainChurnModel({
      timelines: cut,
      measures: ['logins', 'leak'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    if (onlyBefore.kind !== 'model') throw new Error(onlyBefore.reason);
    expect(onlyBefore.model).toEqual(withLeak.model);
    expect(onlyBefore.holdoutAuc).toBe(withLeak.holdoutAuc);
  });

  it('gives no model, with the reason, for a workspace with too little history', () => {
    const result = trainChurnModel({
      timelines: plantedTimelines(8, 3),
      measures: ['logins'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    expect(result.kind).toBe('none');
    if (result.kind !== 'none') return;
    expect(result.churnedAccounts).toBeLessThan(MIN_CHURNED_ACCOUNTS);
    expect(result.reason).toContain('too little history');
  });

  it('predicts for live accounts with signed contributions, and not for churned ones', () => {
    const timelines = plantedTimelines(300, 7);
    const result = trainChurnModel({
      timelines,
      measures: ['logins', 'noise'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    if (result.kind !== 'model') throw new Error(result.reason);
    const live = (logins: number): AccountTimeline => ({
      accountId: 'x',
      churnedOn: null,
      snapshots: [{ day: CUTOFF, values: { logins, noise: 5 } }],
    });
    const low = predictChurn(result.model, live(0.5), CUTOFF)!;
    const high = predictChurn(result.model, live(9.5), CUTOFF)!;
    expect(low.probability).toBeGreaterThan(high.probability);
    const logins = low.contributions.find((c) => c.feature === 'logins')!;
    expect(logins.contribution).toBeGreaterThan(0);
    const m = result.model;
    const i = m.features.indexOf('logins');
    expect(logins.contribution).toBeCloseTo(m.coefficients[i]! * ((0.5 - m.means[i]!) / m.scales[i]!), 12);
    const churned = { ...live(1), churnedOn: '2025-12-01' };
    expect(predictChurn(result.model, churned, CUTOFF)).toBeNull();
  });

  it('trains and predicts the same from the values on the days it reads only as from the whole history', () => {
    const full = plantedTimelines(300, 7);
    const days = churnModelDays(FROM, CUTOFF, EVERY);
    // Far fewer days than the weekly history holds: what the service reads from Postgres.
    expect(days.length).toBeLessThan(Math.max(...full.map((t) => t.snapshots.length)));
    const sparse = full.map((t) => ({
      ...t,
      snapshots: days.flatMap((day) => {
        const stood = snapshotOn(t, day);
        return stood ? [{ day, values: stood.values }] : [];
      }),
    }));
    const train = (timelines: AccountTimeline[]) =>
      trainChurnModel({
        timelines,
        measures: ['logins', 'noise'],
        logScaled: ['logins'],
        cutoff: CUTOFF,
        from: FROM,
        everyDays: EVERY,
      });
    const a = train(full);
    const b = train(sparse);
    if (a.kind !== 'model' || b.kind !== 'model') throw new Error('no model');
    expect(b).toEqual(a);
    const live = full.find((t) => t.churnedOn === null)!;
    expect(predictChurn(b.model, sparse[full.indexOf(live)]!, CUTOFF)).toEqual(
      predictChurn(a.model, live, CUTOFF),
    );
  });

  it('observes as densely as the example budget allows, then fits a fixed sample of the accounts', () => {
    const days = (step: number) => churnObservationDays(FROM, CUTOFF, step).length;
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `acct-${i}`);
    // Few accounts: every 3 days, all of them.
    const few = ids(Math.floor(MAX_TRAINING_EXAMPLES / days(3)));
    expect(trainingPlan(few, FROM, CUTOFF)).toEqual({ everyDays: 3, accountIds: few });
    // One more and the 3-day step is over budget: every 7 days.
    expect(trainingPlan(ids(few.length + 1), FROM, CUTOFF).everyDays).toBe(7);
    // Past even the sparsest step: a fixed share of the accounts, every 28 days.
    const room = Math.floor(MAX_TRAINING_EXAMPLES / days(28));
    const many = ids(room * 3);
    const plan = trainingPlan(many, FROM, CUTOFF);
    expect(plan.everyDays).toBe(28);
    expect(plan.accountIds).toHaveLength(room);
    // In the order given, each once, and the same set from a shuffled list.
    expect(plan.accountIds).toEqual(many.filter((id) => plan.accountIds.includes(id)));
    expect(new Set(trainingPlan([...many].reverse(), FROM, CUTOFF).accountIds)).toEqual(
      new Set(plan.accountIds),
    );
    // Spread over the list, not its head: some of the last third are in.
    expect(plan.accountIds.some((id) => Number(id.slice(5)) >= room * 2)).toBe(true);
  });

  it('gives no model when every example churned, and no holdout AUC when the earlier days saw no churn', () => {
    const first = churnObservationDays(FROM, CUTOFF, EVERY)[0]!;
    const account = (id: string, churnedOn: string | null, logins: number): AccountTimeline => ({
      accountId: id,
      churnedOn,
      snapshots: [{ day: FROM, values: { logins } }],
    });
    // Every account churns days after the first observation day: its only examples are churns.
    const allGone = Array.from({ length: 60 }, (_, i) => account(`g${i}`, addDays(first, 5), i));
    const none = trainChurnModel({
      timelines: allGone,
      measures: ['logins'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    expect(none).toMatchObject({ kind: 'none', reason: 'every example churned', examples: 60, churns: 60 });
    // Churns only on the cutoff: only the last observation day (cutoff - 90, in the holdout) sees
    // them, so the model fitted on the earlier days has no churn to learn from.
    const late = [
      ...Array.from({ length: 20 }, (_, i) => account(`l${i}`, CUTOFF, i % 3)),
      ...Array.from({ length: 40 }, (_, i) => account(`s${i}`, null, 5 + (i % 4))),
    ];
    const model = trainChurnModel({
      timelines: late,
      measures: ['logins'],
      cutoff: CUTOFF,
      from: FROM,
      everyDays: EVERY,
    });
    if (model.kind !== 'model') throw new Error(model.reason);
    expect(model.holdoutAuc).toBeNull();
    expect(model.holdoutFrom).not.toBeNull();
    expect(model.churnedAccounts).toBe(20);
  });
});
