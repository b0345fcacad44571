import { METRICS, Metric, Range } from './scorecard';
import { MeasureInput, calculateHealthScore } from './health-score.calculator';
import { DEFAULT_SCORECARD_BANDS, defaultMeasures } from './default-scorecard';

const inputs = (values: Partial<Record<Metric, number | null>>): Map<string, MeasureInput> =>
  new Map(defaultMeasures().map((m) => [m.id, { value: values[m.metric] ?? null }]));

const score = (values: Partial<Record<Metric, number | null>>) =>
  calculateHealthScore(defaultMeasures(), inputs(values), DEFAULT_SCORECARD_BANDS);

/** Most seats active daily, every key feature, NPS 10, no tickets. */
const healthy: Partial<Record<Metric, number | null>> = {
  active_users_ratio_30d: 0.8,
  sign_ins_7d: 56,
  sign_ins_30d: 240,
  days_since_last_sign_in: 0,
  engagement_events_90d: 0,
  key_features_adopted: 1,
  onboarding_completion: 1,
  outcomes_reported_90d: 0,
  open_tickets_30d: 0,
  p1_tickets_30d: 0,
  latest_nps: 10,
  avg_csat_90d: null,
  mrr_change_90d: null,
};

/** Last sign-in 40 days ago, none in 30 days, NPS 2, three P1 tickets in 30 days. */
const dormant: Partial<Record<Metric, number | null>> = {
  active_users_ratio_30d: 0.1,
  sign_ins_7d: 0,
  sign_ins_30d: 0,
  days_since_last_sign_in: 40,
  engagement_events_90d: 0,
  key_features_adopted: 0,
  onboarding_completion: 0,
  outcomes_reported_90d: 0,
  open_tickets_30d: 3,
  p1_tickets_30d: 3,
  latest_nps: 2,
  avg_csat_90d: null,
  mrr_change_90d: null,
};

describe('the default DEAR scorecard', () => {
  it('has one measure per metric, with a unique id, a positive weight, and weights summing to 100', () => {
    const measures = defaultMeasures();
    expect(measures.map((m) => m.metric).sort()).toEqual([...METRICS].sort());
    expect(new Set(measures.map((m) => m.id)).size).toBe(measures.length);
    for (const m of measures) expect(m.weight).toBeGreaterThan(0);
    expect(measures.reduce((sum, m) => sum + m.weight, 0)).toBe(100);
  });

  it.each(defaultMeasures().map((m) => [m.id, m] as const))(
    '%s: ranges are contiguous and open at both ends, so every value earns points',
    (_id, measure) => {
      expect(measure.method.kind).toBe('ranges');
      const ranges = (measure.method as { ranges: readonly Range[] }).ranges;
      expect(ranges[0]!.from).toBeUndefined();
      expect(ranges[ranges.length - 1]!.to).toBeUndefined();
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBe(ranges[i - 1]!.to);
      for (const r of ranges) {
        expect(r.points).toBeGreaterThanOrEqual(0);
        expect(r.points).toBeLessThanOrEqual(100);
      }
    },
  );

  it.each(defaultMeasures().map((m) => [m.id, m] as const))(
    '%s: points never get worse as the value gets better',
    (_id, measure) => {
      const ranges = (measure.method as { ranges: readonly Range[] }).ranges;
      const points = ranges.map((r) => r.points);
      const sorted = [...points].sort((a, b) => (measure.direction === 'higher_is_better' ? a - b : b - a));
      expect(points).toEqual(sorted);
      // The best reading earns full points, the worst the fewest.
      expect(Math.max(...points)).toBe(100);
    },
  );

  it('scores a healthy account green', () => {
    const result = score(healthy);
    expect(result.band).toBe('green');
    expect(result.score).toBeGreaterThanOrEqual(70);
    const points = (metric: Metric) => result.measures.find((m) => m.metric === metric)!.points;
    expect(points('latest_nps')).toBe(100);
    expect(points('key_features_adopted')).toBe(100);
    expect(points('p1_tickets_30d')).toBe(100);
  });

  it('scores a dormant account red', () => {
    const result = score(dormant);
    expect(result.band).toBe('red');
    expect(result.score).toBeLessThan(40);
  });

  it("explains a dormant account by the story's measures: they are among its five lowest", () => {
    const result = score(dormant);
    const worst = result.measures
      .filter((m) => m.points !== null)
      .sort((a, b) => a.points! - b.points!)
      .slice(0, 5)
      .map((m) => m.metric);
    expect(worst).toEqual(
      expect.arrayContaining(['days_since_last_sign_in', 'latest_nps', 'p1_tickets_30d']),
    );
  });

  it('keeps a healthy account green without any key-feature catalog or milestones (no data)', () => {
    const result = score({ ...healthy, key_features_adopted: null, onboarding_completion: null });
    expect(result.band).toBe('green');
    expect(result.coverage).toBeLessThan(1);
  });

  it('lands a middling account in yellow', () => {
    const result = score({
      active_users_ratio_30d: 0.4,
      sign_ins_7d: 3,
      sign_ins_30d: 20,
      days_since_last_sign_in: 5,
      key_features_adopted: 0.5,
      onboarding_completion: 0.5,
      open_tickets_30d: 2,
      p1_tickets_30d: 0,
      latest_nps: 7,
    });
    expect(result.band).toBe('yellow');
  });
});
