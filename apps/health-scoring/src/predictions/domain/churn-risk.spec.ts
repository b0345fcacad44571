import { METRICS } from '../../scorecards/domain/scorecard';
import { TOP_CONTRIBUTIONS, churnRiskOf, featureLabel } from './churn-risk';

describe('churn risk', () => {
  const stamp = {
    modelId: 'm1',
    trainedAt: '2026-12-01T12:00:00.000Z',
    cutoff: '2026-12-01',
    horizonDays: 90,
  };

  it('names every metric and its 30-day change for people, and keeps an unknown name as it is', () => {
    for (const metric of METRICS) {
      expect(featureLabel(metric)).not.toBe(metric);
      expect(featureLabel(`${metric}:change_30d`)).toBe(`${featureLabel(metric)}, change over 30 days`);
    }
    expect(featureLabel('p1_tickets_30d')).toBe('P1 tickets (30 days)');
    expect(featureLabel('seats')).toBe('seats');
    expect(featureLabel('sign_ins_30d:log')).toBe(featureLabel('sign_ins_30d'));
  });

  it("shows a log-scaled feature's value as the account had it, not its logarithm", () => {
    const risk = churnRiskOf(
      {
        probability: 0.4,
        contributions: [
          { feature: 'sign_ins_30d:log', value: Math.log1p(12), standardised: -1, contribution: 0.5 },
          { feature: 'sign_ins_30d:change_30d', value: -7, standardised: -1, contribution: 0.2 },
        ],
      },
      stamp,
    );
    expect(risk.contributions.map((c) => c.value)).toEqual([12, -7]);
  });

  it('carries the probability to 6 places and only the largest contributions, in the order given', () => {
    const contributions = Array.from({ length: 8 }, (_, i) => ({
      feature: i % 2 === 0 ? METRICS[i]! : `${METRICS[i]!}:change_30d`,
      value: i === 3 ? null : i * 1.5,
      standardised: 0,
      contribution: (8 - i) * 0.123456789 * (i % 2 === 0 ? 1 : -1),
    }));
    const risk = churnRiskOf({ probability: 0.123456789, contributions }, stamp);
    expect(risk).toMatchObject({ ...stamp, probability: 0.123457 });
    expect(risk.contributions).toHaveLength(TOP_CONTRIBUTIONS);
    expect(risk.contributions.map((c) => c.feature)).toEqual(contributions.slice(0, 5).map((c) => c.feature));
    expect(risk.contributions[1]).toEqual({
      feature: `${METRICS[1]}:change_30d`,
      label: `${featureLabel(METRICS[1]!)}, change over 30 days`,
      value: 1.5,
      contribution: -0.8642,
    });
    expect(risk.contributions[3]!.value).toBeNull();
  });
});
