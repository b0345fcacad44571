import { MRR_TOTAL_FIELDS, MrrTotals, zeroTotals } from '../../kpis/domain/kpi-formulas';
import {
  onboardingCount,
  onboardingDeltas,
  surveyMonthDeltas,
  workspaceMonthDeltas,
} from './kpi-month-totals';

const DAY_MS = 86_400_000;
const at = (iso: string) => Date.parse(iso);

describe('surveyMonthDeltas', () => {
  it('counts a new respondent once, moves a replaced answer between categories, and counts CSAT answers', () => {
    const deltas = surveyMonthDeltas(
      [
        { ws: 'w', month: '2026-03-01', score: 5 },
        { ws: 'w', month: '2026-03-01', score: 3 },
      ],
      [
        { ws: 'w', month: '2026-03-01', score: 10, previous: null },
        { ws: 'w', month: '2026-03-01', score: 2, previous: 9 },
        { ws: 'w', month: '2026-02-01', score: 8, previous: 7 },
      ],
    );
    expect(deltas).toEqual([
      {
        ws: 'w',
        month: '2026-03-01',
        npsRespondents: 1,
        promoters: 0,
        detractors: 1,
        csatResponses: 2,
        csatSatisfied: 1,
      },
    ]);
  });

  it('orders the months by workspace then month', () => {
    const deltas = surveyMonthDeltas(
      [
        { ws: 'b', month: '2026-01-01', score: 4 },
        { ws: 'a', month: '2026-02-01', score: 4 },
        { ws: 'a', month: '2026-01-01', score: 4 },
      ],
      [],
    );
    expect(deltas.map((d) => `${d.ws} ${d.month}`)).toEqual(['a 2026-01-01', 'a 2026-02-01', 'b 2026-01-01']);
  });
});

describe('onboardingCount', () => {
  it('is nothing before a start, and counts a completion within 30 days of it (before it too)', () => {
    expect(onboardingCount(null, at('2026-01-01T00:00:00Z'))).toBeNull();
    const start = at('2026-01-31T23:00:00Z');
    expect(onboardingCount(start, null)).toEqual({ month: '2026-01-01', completed: false });
    expect(onboardingCount(start, start + 30 * DAY_MS)).toEqual({ month: '2026-01-01', completed: true });
    expect(onboardingCount(start, start + 30 * DAY_MS + 1)).toEqual({
      month: '2026-01-01',
      completed: false,
    });
    expect(onboardingCount(start, start - DAY_MS)).toEqual({ month: '2026-01-01', completed: true });
  });
});

describe('onboardingDeltas', () => {
  it('moves an account between months and outcomes, leaving unchanged accounts out', () => {
    const { changed, deltas } = onboardingDeltas([
      {
        accountId: 'same',
        recorded: { month: '2026-01-01', completed: true },
        now: { month: '2026-01-01', completed: true },
      },
      {
        accountId: 'earlier',
        recorded: { month: '2026-03-01', completed: true },
        now: { month: '2026-01-01', completed: false },
      },
      { accountId: 'new', recorded: null, now: { month: '2026-03-01', completed: true } },
      { accountId: 'never', recorded: null, now: null },
    ]);
    expect(changed.map((c) => c.accountId)).toEqual(['earlier', 'new']);
    // March: 'earlier' out (started and completed), 'new' in: no change, so left out.
    expect(deltas).toEqual([{ month: '2026-01-01', started: 1, completed: 0 }]);
  });
});

describe('workspaceMonthDeltas', () => {
  it('sums the slices of each month, in month order, leaving months that add up to nothing out', () => {
    const totals = (endMrr: number, startAccounts = 0): MrrTotals => ({
      ...zeroTotals(),
      endMrr,
      startAccounts,
    });
    const deltas = workspaceMonthDeltas([
      { month: '2026-02-01', ...totals(5, 1) },
      { month: '2026-01-01', ...totals(7) },
      { month: '2026-02-01', ...totals(-2) },
      { month: '2026-03-01', ...totals(4) },
      { month: '2026-03-01', ...totals(-4) },
    ]);
    expect(deltas.map((d) => [d.month, d.endMrr, d.startAccounts])).toEqual([
      ['2026-01-01', 7, 0],
      ['2026-02-01', 3, 1],
    ]);
    for (const d of deltas) expect(Object.keys(d).sort()).toEqual(['month', ...MRR_TOTAL_FIELDS].sort());
  });
});
