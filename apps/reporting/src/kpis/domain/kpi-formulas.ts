import { AccountMonth, MonthMrr } from './account-months';

/**
 * The additive part of a month's figures: sums over accounts, so that the totals of a slice
 * are the sums of its accounts' contributions, and a changed account changes them by a delta.
 * Amounts in millionths of the reporting currency.
 */
export interface MrrTotals extends MonthMrr {
  /** |S|, S being the accounts with MRR at the start of the month (whose MRR startMrr sums). */
  readonly startAccounts: number;
  /** Accounts of S with no MRR at the end of the month. */
  readonly churnedAccounts: number;
  /** Accounts of S with at least one expansion movement in the month. */
  readonly expandedAccounts: number;
  /** Accounts with MRR above 0 at the end of the month. */
  readonly payingAccounts: number;
  /** Σ over S of min(end MRR, start MRR). */
  readonly retainedMrr: number;
  /** Σ over S of end MRR. */
  readonly startAccountsEndMrr: number;
  /** The same three for S taken at the start of M-11. */
  readonly startMrr12: number;
  readonly retainedMrr12: number;
  readonly startAccountsEndMrr12: number;
}

export const MRR_TOTAL_FIELDS = [
  'startMrr',
  'endMrr',
  'newMrr',
  'expansionMrr',
  'contractionMrr',
  'churnedMrr',
  'reactivationMrr',
  'startAccounts',
  'churnedAccounts',
  'expandedAccounts',
  'payingAccounts',
  'retainedMrr',
  'startAccountsEndMrr',
  'startMrr12',
  'retainedMrr12',
  'startAccountsEndMrr12',
] as const satisfies readonly (keyof MrrTotals)[];

export function zeroTotals(): MrrTotals {
  return Object.fromEntries(MRR_TOTAL_FIELDS.map((f) => [f, 0])) as unknown as MrrTotals;
}

/** What one account-month adds to its month's totals. */
export function contributionOf(row: AccountMonth): MrrTotals {
  const inS = row.startMrr > 0;
  const inS12 = row.startMrr12 > 0;
  return {
    startMrr: row.startMrr,
    endMrr: row.endMrr,
    newMrr: row.newMrr,
    expansionMrr: row.expansionMrr,
    contractionMrr: row.contractionMrr,
    churnedMrr: row.churnedMrr,
    reactivationMrr: row.reactivationMrr,
    startAccounts: inS ? 1 : 0,
    churnedAccounts: inS && row.endMrr === 0 ? 1 : 0,
    expandedAccounts: inS && row.expansions > 0 ? 1 : 0,
    payingAccounts: row.endMrr > 0 ? 1 : 0,
    retainedMrr: inS ? Math.min(row.endMrr, row.startMrr) : 0,
    startAccountsEndMrr: inS ? row.endMrr : 0,
    startMrr12: row.startMrr12,
    retainedMrr12: inS12 ? Math.min(row.endMrr, row.startMrr12) : 0,
    startAccountsEndMrr12: inS12 ? row.endMrr : 0,
  };
}

export function addTotals(a: MrrTotals, b: MrrTotals, sign: 1 | -1 = 1): MrrTotals {
  return Object.fromEntries(MRR_TOTAL_FIELDS.map((f) => [f, a[f] + sign * b[f]])) as unknown as MrrTotals;
}

/** Users' activity in a month. */
export interface ActivityTotals {
  readonly activeAccounts: number;
  /** Distinct users with an event in the month. */
  readonly users: number;
  /** Distinct (user, day) pairs: Σ over the days of distinct users that day. */
  readonly userDays: number;
}

/** Survey answers in a month: NPS over each respondent's latest answer, CSAT over every answer. */
export interface SurveyTotals {
  readonly npsRespondents: number;
  readonly promoters: number;
  readonly detractors: number;
  readonly csatResponses: number;
  readonly csatSatisfied: number;
}

/** Accounts whose first subscription started in the month and are old enough to judge. */
export interface OnboardingTotals {
  readonly eligible: number;
  /** Of those, the ones that completed every onboarding milestone within 30 days. */
  readonly completed: number;
}

/** One month's KPIs, by the names of the API. Amounts in the reporting currency; rates as fractions. */
export interface KpiRow {
  readonly month: string;
  readonly startMrr: number;
  readonly endMrr: number;
  readonly arr: number;
  readonly newMrr: number;
  readonly expansionMrr: number;
  readonly contractionMrr: number;
  readonly churnedMrr: number;
  readonly reactivationMrr: number;
  readonly logoChurnRate: number | null;
  readonly grossMrrChurnRate: number | null;
  readonly netMrrChurnRate: number | null;
  readonly grr: number | null;
  readonly nrr: number | null;
  readonly grr12: number | null;
  readonly nrr12: number | null;
  readonly arpa: number | null;
  readonly ltv: number | null;
  readonly nps: number | null;
  readonly csat: number | null;
  readonly activeAccounts: number;
  readonly mau: number;
  readonly dauAvg: number;
  readonly stickiness: number | null;
  readonly onboardingCompletionRate: number | null;
  readonly upsellRate: number | null;
}

export const KPI_FIELDS = [
  'month',
  'startMrr',
  'endMrr',
  'arr',
  'newMrr',
  'expansionMrr',
  'contractionMrr',
  'churnedMrr',
  'reactivationMrr',
  'logoChurnRate',
  'grossMrrChurnRate',
  'netMrrChurnRate',
  'grr',
  'nrr',
  'grr12',
  'nrr12',
  'arpa',
  'ltv',
  'nps',
  'csat',
  'activeAccounts',
  'mau',
  'dauAvg',
  'stickiness',
  'onboardingCompletionRate',
  'upsellRate',
] as const satisfies readonly (keyof KpiRow)[];

/** Millionths to currency units. */
export const MICROS = 1_000_000;
export const fromMicros = (micros: number): number => micros / MICROS;

/** a / b, or null when b is 0 (a rate over nothing is not 0). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** The KPIs of a month from its totals; `days` is the number of days of the month. */
export function kpiRow(
  month: string,
  days: number,
  m: MrrTotals,
  activity: ActivityTotals,
  surveys: SurveyTotals,
  onboarding: OnboardingTotals,
): KpiRow {
  const logoChurnRate = ratio(m.churnedAccounts, m.startAccounts);
  const arpa = m.payingAccounts === 0 ? null : fromMicros(m.endMrr) / m.payingAccounts;
  const dauAvg = activity.userDays / days;
  return {
    month,
    startMrr: fromMicros(m.startMrr),
    endMrr: fromMicros(m.endMrr),
    arr: fromMicros(m.endMrr * 12),
    newMrr: fromMicros(m.newMrr),
    expansionMrr: fromMicros(m.expansionMrr),
    contractionMrr: fromMicros(m.contractionMrr),
    churnedMrr: fromMicros(m.churnedMrr),
    reactivationMrr: fromMicros(m.reactivationMrr),
    logoChurnRate,
    grossMrrChurnRate: ratio(m.churnedMrr + m.contractionMrr, m.startMrr),
    netMrrChurnRate: ratio(m.churnedMrr + m.contractionMrr - m.expansionMrr - m.reactivationMrr, m.startMrr),
    grr: ratio(m.retainedMrr, m.startMrr),
    nrr: ratio(m.startAccountsEndMrr, m.startMrr),
    grr12: ratio(m.retainedMrr12, m.startMrr12),
    nrr12: ratio(m.startAccountsEndMrr12, m.startMrr12),
    arpa,
    ltv: arpa === null || logoChurnRate === null || logoChurnRate === 0 ? null : arpa / logoChurnRate,
    nps:
      surveys.npsRespondents === 0
        ? null
        : (100 * (surveys.promoters - surveys.detractors)) / surveys.npsRespondents,
    csat: ratio(surveys.csatSatisfied, surveys.csatResponses),
    activeAccounts: activity.activeAccounts,
    mau: activity.users,
    dauAvg,
    stickiness: activity.users === 0 ? null : dauAvg / activity.users,
    onboardingCompletionRate: ratio(onboarding.completed, onboarding.eligible),
    upsellRate: ratio(m.expandedAccounts, m.startAccounts),
  };
}

/** NPS category of a 0-10 score. */
export function npsCategory(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score <= 6 ? 'detractor' : 'passive';
}

/** A CSAT answer counts as satisfied at 4 or 5. */
export const isSatisfied = (score: number): boolean => score >= 4;
