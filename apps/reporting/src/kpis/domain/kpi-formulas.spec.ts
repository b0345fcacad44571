import { accountMonths } from './account-months';
import { toReportingMicros } from './currency';
import {
  ActivityTotals,
  MrrTotals,
  OnboardingTotals,
  SurveyTotals,
  addTotals,
  contributionOf,
  kpiRow,
  zeroTotals,
} from './kpi-formulas';
import { daysInMonth, formatMonth, monthRange, parseMonth } from './month';
import { SubscriptionEvent, mrrMovements } from './mrr-movements';
import { onboardingOutcome } from './onboarding';
import { isValidResponse, surveyTotals } from './surveys';

const M = 1_000_000;
const NO_ACTIVITY: ActivityTotals = { activeAccounts: 0, users: 0, userDays: 0 };
const NO_SURVEYS: SurveyTotals = {
  npsRespondents: 0,
  promoters: 0,
  detractors: 0,
  csatResponses: 0,
  csatSatisfied: 0,
};
const NO_ONBOARDING: OnboardingTotals = { eligible: 0, completed: 0 };

/** Totals of one month over accounts, each given as its subscription events. */
function monthTotals(month: string, accounts: SubscriptionEvent[][]): MrrTotals {
  const m = parseMonth(month)!;
  let totals = zeroTotals();
  for (const events of accounts) {
    const row = accountMonths(mrrMovements(events), m).find((r) => r.month === m);
    if (row) totals = addTotals(totals, contributionOf(row));
  }
  return totals;
}
let n = 0;
const sub = (
  kind: SubscriptionEvent['kind'],
  iso: string,
  mrr = 0,
  subscriptionId = 's',
): SubscriptionEvent => ({
  eventId: `k${++n}`,
  subscriptionId,
  kind,
  at: Date.parse(iso),
  mrr: mrr * M,
});

describe('kpiRow', () => {
  it('computes every MRR figure of a month from hand-worked accounts', () => {
    // March 2026. A: 100 → 150 (expansion 50). B: 200 → 0 (churn 200). C: new 80.
    // D: 50 → 30 (contraction 20). E: churned in January, back in March at 60 (reactivation).
    const totals = monthTotals('2026-03', [
      [sub('started', '2026-01-05T00:00:00Z', 100), sub('changed', '2026-03-10T00:00:00Z', 150)],
      [sub('started', '2025-12-01T00:00:00Z', 200), sub('cancelled', '2026-03-31T23:59:59Z')],
      [sub('started', '2026-03-02T00:00:00Z', 80)],
      [sub('started', '2026-02-01T00:00:00Z', 50), sub('changed', '2026-03-15T00:00:00Z', 30)],
      [
        sub('started', '2025-11-01T00:00:00Z', 40),
        sub('cancelled', '2026-01-20T00:00:00Z'),
        sub('started', '2026-03-20T00:00:00Z', 60),
      ],
    ]);
    const row = kpiRow('2026-03', 31, totals, NO_ACTIVITY, NO_SURVEYS, NO_ONBOARDING);
    // S = {A, B, D}: startMrr = 100 + 200 + 50 = 350; endMrr = 150 + 0 + 80 + 30 + 60 = 320
    expect(row).toMatchObject({
      startMrr: 350,
      endMrr: 320,
      arr: 3840,
      newMrr: 80,
      expansionMrr: 50,
      contractionMrr: 20,
      churnedMrr: 200,
      reactivationMrr: 60,
    });
    // invariant: 320 - 350 = 80 + 50 + 60 - 20 - 200 = -30
    expect(row.endMrr - row.startMrr).toBe(
      row.newMrr + row.expansionMrr + row.reactivationMrr - row.contractionMrr - row.churnedMrr,
    );
    expect(row.logoChurnRate).toBeCloseTo(1 / 3); // B of {A, B, D}
    expect(row.grossMrrChurnRate).toBeCloseTo(220 / 350); // (200 + 20) / 350
    expect(row.netMrrChurnRate).toBeCloseTo((220 - 50 - 60) / 350); // reactivation counts
    expect(row.grr).toBeCloseTo((100 + 0 + 30) / 350); // Σ min(end, start) over S
    expect(row.nrr).toBeCloseTo((150 + 0 + 30) / 350); // Σ end over S
    expect(row.arpa).toBeCloseTo(320 / 4); // A, C, D, E pay at the end
    expect(row.ltv).toBeCloseTo(80 / (1 / 3)); // 240
    expect(row.upsellRate).toBeCloseTo(1 / 3); // A expanded
    // 12 months: S at the start of 2025-04 is empty (the earliest start is 2025-11)
    expect(row.grr12).toBeNull();
    expect(row.nrr12).toBeNull();
  });

  it('takes trailing-twelve-month retention from the start of M-11 to the end of M', () => {
    // M = 2026-12, M-11 = 2026-01. X: 100 at the start of January, 70 at the end of December.
    // Y: 50 at the start of January, 90 at the end of December. Z starts in March: not in S12.
    const totals = monthTotals('2026-12', [
      [sub('started', '2025-12-10T00:00:00Z', 100), sub('changed', '2026-06-01T00:00:00Z', 70)],
      [sub('started', '2025-10-01T00:00:00Z', 50), sub('changed', '2026-08-01T00:00:00Z', 90)],
      [sub('started', '2026-03-01T00:00:00Z', 500)],
    ]);
    const row = kpiRow('2026-12', 31, totals, NO_ACTIVITY, NO_SURVEYS, NO_ONBOARDING);
    expect(row.grr12).toBeCloseTo((70 + 50) / 150); // min(70, 100) + min(90, 50)
    expect(row.nrr12).toBeCloseTo((70 + 90) / 150);
    // In December nothing moved: S = {X, Y, Z}, GRR = NRR = 1
    expect(row.grr).toBe(1);
    expect(row.nrr).toBe(1);
    expect(row.logoChurnRate).toBe(0);
    expect(row.ltv).toBeNull(); // churn rate 0
  });

  it('gives null rates, not 0, over an empty month', () => {
    const row = kpiRow('2026-02', 28, zeroTotals(), NO_ACTIVITY, NO_SURVEYS, NO_ONBOARDING);
    expect(row).toMatchObject({
      startMrr: 0,
      endMrr: 0,
      logoChurnRate: null,
      grossMrrChurnRate: null,
      grr: null,
      nrr: null,
      arpa: null,
      ltv: null,
      nps: null,
      csat: null,
      stickiness: null,
      onboardingCompletionRate: null,
      upsellRate: null,
      mau: 0,
      dauAvg: 0,
    });
  });

  it('computes activity, survey and onboarding figures', () => {
    // 30-day month; 10 users active, 45 (user, day) pairs → dauAvg 1.5, stickiness 0.15
    const row = kpiRow(
      '2026-04',
      30,
      zeroTotals(),
      { activeAccounts: 3, users: 10, userDays: 45 },
      { npsRespondents: 4, promoters: 2, detractors: 1, csatResponses: 5, csatSatisfied: 4 },
      { eligible: 4, completed: 3 },
    );
    expect(row).toMatchObject({ activeAccounts: 3, mau: 10, dauAvg: 1.5, nps: 25, csat: 0.8 });
    expect(row.stickiness).toBeCloseTo(0.15);
    expect(row.onboardingCompletionRate).toBe(0.75);
  });
});

describe('surveyTotals', () => {
  const r = (respondent: string, survey: 'nps' | 'csat', score: number, day: number) => ({
    eventId: `r${++n}`,
    respondent,
    survey,
    score,
    at: Date.UTC(2026, 3, day),
  });

  it.each([
    [
      'no responses',
      [],
      { npsRespondents: 0, promoters: 0, detractors: 0, csatResponses: 0, csatSatisfied: 0 },
      null,
    ],
    [
      "each respondent's latest answer counts: u1 6 then 9 is a promoter",
      [r('u1', 'nps', 6, 1), r('u1', 'nps', 9, 20), r('u2', 'nps', 3, 5), r('u3', 'nps', 7, 5)],
      // promoters {u1}, detractors {u2}, passive {u3}: 100 × (1 - 1) / 3 = 0
      { npsRespondents: 3, promoters: 1, detractors: 1, csatResponses: 0, csatSatisfied: 0 },
      0,
    ],
    [
      'the bounds: 9 and 10 promote, 6 and 0 detract, 7 and 8 are passive',
      [
        r('a', 'nps', 10, 1),
        r('b', 'nps', 9, 1),
        r('c', 'nps', 8, 1),
        r('d', 'nps', 7, 1),
        r('e', 'nps', 6, 1),
        r('f', 'nps', 0, 1),
      ],
      // 100 × (2 - 2) / 6
      { npsRespondents: 6, promoters: 2, detractors: 2, csatResponses: 0, csatSatisfied: 0 },
      0,
    ],
    [
      'CSAT counts every answer; 4 and 5 satisfy',
      [r('a', 'csat', 5, 1), r('a', 'csat', 3, 2), r('b', 'csat', 4, 1), r('c', 'nps', 10, 1)],
      // NPS: one promoter of one: 100
      { npsRespondents: 1, promoters: 1, detractors: 0, csatResponses: 3, csatSatisfied: 2 },
      100,
    ],
  ])('%s', (_name, responses, totals, nps) => {
    const t = surveyTotals(responses);
    expect(t).toEqual(totals);
    expect(kpiRow('2026-04', 30, zeroTotals(), NO_ACTIVITY, t, NO_ONBOARDING).nps).toBe(nps);
  });

  it.each([
    ['nps', 0, true],
    ['nps', 10, true],
    ['nps', 11, false],
    ['nps', 7.5, false],
    ['csat', 0, false],
    ['csat', 5, true],
    ['ces', 3, false],
  ])('%s score %d valid: %s', (survey, score, valid) => {
    expect(isValidResponse(survey, score)).toBe(valid);
  });
});

describe('onboardingOutcome', () => {
  const start = Date.UTC(2026, 0, 10);
  const day = 86_400_000;
  it.each([
    ['completed on day 30', start + 30 * day, start + 40 * day, 'completed'],
    ['completed on day 31', start + 31 * day, start + 40 * day, 'not_completed'],
    ['never completed', null, start + 40 * day, 'not_completed'],
    ['completed before the subscription', start - day, start + 40 * day, 'completed'],
    ['younger than 30 days, even if completed', start + day, start + 29 * day, 'too_young'],
  ])('%s', (_name, completedAt, now, outcome) => {
    expect(onboardingOutcome(start, completedAt, now)).toBe(outcome);
  });
});

describe('currency and slices', () => {
  it.each([
    ['the reporting currency', 99.99, 'USD', { ok: true, micros: 99_990_000 }],
    ['no currency is the reporting currency', 10, null, { ok: true, micros: 10_000_000 }],
    ['a configured rate, lower case', 100, 'eur', { ok: true, micros: 108_000_000 }],
    ['no rate: an error', 100, 'GBP', { ok: false, currency: 'GBP' }],
  ])('%s', (_name, amount, currency, expected) => {
    expect(toReportingMicros(amount, currency, { currency: 'USD', rates: { EUR: 1.08 } })).toEqual(expected);
  });

  it('numbers the months of a range', () => {
    const from = parseMonth('2025-11')!;
    expect(monthRange(from, parseMonth('2026-02')!).map(formatMonth)).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(daysInMonth(parseMonth('2028-02')!)).toBe(29);
    expect(parseMonth('2026-13')).toBeUndefined();
  });
});
