import {
  MRR_TOTAL_FIELDS,
  MrrTotals,
  SurveyTotals,
  addTotals,
  isSatisfied,
  npsCategory,
  zeroTotals,
} from '../../kpis/domain/kpi-formulas';
import { monthDate, monthOf } from '../../kpis/domain/month';
import { ONBOARDING_WINDOW_MS } from '../../kpis/domain/onboarding';

/** What a write adds to a workspace month's survey counts. */
export interface SurveyMonthDelta extends SurveyTotals {
  readonly ws: string;
  /** The month's first day, 'YYYY-MM-DD'. */
  readonly month: string;
}

/** A CSAT answer newly stored. */
export interface StoredCsat {
  readonly ws: string;
  readonly month: string;
  readonly score: number;
}

/** A respondent's latest NPS answer of a month, newly stored, and the one it replaced (null if none). */
export interface StoredNps {
  readonly ws: string;
  readonly month: string;
  readonly score: number;
  readonly previous: number | null;
}

const byKey = <T extends { ws: string; month: string }>(a: T, b: T): number =>
  a.ws < b.ws ? -1 : a.ws > b.ws ? 1 : a.month < b.month ? -1 : a.month > b.month ? 1 : 0;

/**
 * The change in each workspace month's survey counts from the answers a write stored: a CSAT
 * answer counts once; an NPS answer replaces its respondent's earlier one of the month (the
 * respondent counted once, the category moved). In key order, months left unchanged omitted.
 */
export function surveyMonthDeltas(
  csat: readonly StoredCsat[],
  nps: readonly StoredNps[],
): SurveyMonthDelta[] {
  const deltas = new Map<string, { -readonly [K in keyof SurveyMonthDelta]: SurveyMonthDelta[K] }>();
  const at = (ws: string, month: string) => {
    const key = `${ws}\u0000${month}`;
    let d = deltas.get(key);
    if (!d) {
      d = { ws, month, npsRespondents: 0, promoters: 0, detractors: 0, csatResponses: 0, csatSatisfied: 0 };
      deltas.set(key, d);
    }
    return d;
  };
  for (const c of csat) {
    const d = at(c.ws, c.month);
    d.csatResponses++;
    if (isSatisfied(c.score)) d.csatSatisfied++;
  }
  const count = (d: { promoters: number; detractors: number }, score: number, sign: 1 | -1) => {
    const category = npsCategory(score);
    if (category === 'promoter') d.promoters += sign;
    else if (category === 'detractor') d.detractors += sign;
  };
  for (const n of nps) {
    const d = at(n.ws, n.month);
    if (n.previous === null) d.npsRespondents++;
    else count(d, n.previous, -1);
    count(d, n.score, 1);
  }
  return [...deltas.values()]
    .filter((d) => d.npsRespondents || d.promoters || d.detractors || d.csatResponses || d.csatSatisfied)
    .sort(byKey);
}

/**
 * What an account counts for in the onboarding completion rate: the UTC month its first
 * subscription started ('YYYY-MM-DD') and whether onboarding completed within 30 days of that
 * start (a completion before the start counts as within); null before any start. Whether the
 * account is old enough to judge is decided when the report is read.
 */
export interface OnboardingCount {
  readonly month: string;
  readonly completed: boolean;
}

export function onboardingCount(
  firstStartedAt: number | null,
  completedAt: number | null,
): OnboardingCount | null {
  if (firstStartedAt === null) return null;
  return {
    month: monthDate(monthOf(firstStartedAt)),
    completed: completedAt !== null && completedAt <= firstStartedAt + ONBOARDING_WINDOW_MS,
  };
}

/** An account's onboarding count as recorded (what the totals hold for it) and as it is now. */
export interface OnboardingRecount {
  readonly accountId: string;
  readonly recorded: OnboardingCount | null;
  readonly now: OnboardingCount | null;
}

/** What a workspace month's onboarding counts change by. */
export interface OnboardingMonthDelta {
  readonly month: string;
  readonly started: number;
  readonly completed: number;
}

const sameCount = (a: OnboardingCount | null, b: OnboardingCount | null): boolean =>
  a === null || b === null ? a === b : a.month === b.month && a.completed === b.completed;

/**
 * The accounts whose count changed, and the change of each month's totals (the recorded count
 * out, the present one in), in month order with unchanged months omitted.
 */
export function onboardingDeltas(recounts: readonly OnboardingRecount[]): {
  changed: OnboardingRecount[];
  deltas: OnboardingMonthDelta[];
} {
  const changed = recounts.filter((r) => !sameCount(r.recorded, r.now));
  const deltas = new Map<string, { month: string; started: number; completed: number }>();
  const add = (count: OnboardingCount | null, sign: 1 | -1) => {
    if (count === null) return;
    const d = deltas.get(count.month) ?? { month: count.month, started: 0, completed: 0 };
    d.started += sign;
    if (count.completed) d.completed += sign;
    deltas.set(count.month, d);
  };
  for (const r of changed) {
    add(r.recorded, -1);
    add(r.now, 1);
  }
  return {
    changed,
    deltas: [...deltas.values()]
      .filter((d) => d.started !== 0 || d.completed !== 0)
      .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0)),
  };
}

/**
 * The month totals' deltas of every slice summed per month: what the workspace's month totals
 * change by. In month order, months left unchanged omitted.
 */
export function workspaceMonthDeltas(
  rows: readonly (MrrTotals & { readonly month: string })[],
): (MrrTotals & { month: string })[] {
  const sums = new Map<string, MrrTotals>();
  for (const row of rows) sums.set(row.month, addTotals(sums.get(row.month) ?? zeroTotals(), row));
  return [...sums]
    .filter(([, totals]) => MRR_TOTAL_FIELDS.some((f) => totals[f] !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([month, totals]) => ({ month, ...totals }));
}
