import { ALERT_RULE_TYPES } from '@tsuzuku/contracts';
import { defaultRules } from './default-rules';
import { parseRuleDefinition } from './rule-validation';

describe('parseRuleDefinition', () => {
  it('accepts every default rule as it is', () => {
    for (const rule of defaultRules())
      expect(parseRuleDefinition(JSON.parse(JSON.stringify(rule)))).toEqual({ ok: true, rule });
  });

  it('the defaults hold one rule per type, expansion as info', () => {
    const rules = defaultRules();
    expect(rules.map((r) => r.type).sort()).toEqual([...ALERT_RULE_TYPES].sort());
    expect(rules.find((r) => r.type === 'expansion_signal')?.severity).toBe('info');
  });

  it('fills optional fields with their defaults', () => {
    const parsed = parseRuleDefinition({
      name: ' Quiet ',
      type: 'inactivity',
      severity: 'high',
      params: { days: 14 },
    });
    expect(parsed).toEqual({
      ok: true,
      rule: {
        name: 'Quiet',
        type: 'inactivity',
        severity: 'high',
        params: { days: 14 },
        scope: { segments: [], touchModels: [], phases: [] },
        enabled: true,
        cooldownMinutes: 1440,
        graceDays: 14,
      },
    });
  });

  it('takes a grace period of 0 to 365 whole days', () => {
    const base = { name: 'Quiet', type: 'inactivity', severity: 'high', params: { days: 14 } };
    const grace = (graceDays: unknown) => parseRuleDefinition({ ...base, graceDays });
    expect(grace(0)).toMatchObject({ ok: true, rule: { graceDays: 0 } });
    expect(grace(365)).toMatchObject({ ok: true, rule: { graceDays: 365 } });
    for (const bad of [-1, 366, 1.5, '14', null])
      expect(grace(bad)).toMatchObject({ ok: false, problems: [{ path: 'graceDays' }] });
  });

  it('gives every default rule the documented grace period', () => {
    expect(new Set(defaultRules().map((r) => r.graceDays))).toEqual(new Set([14]));
  });

  it.each([
    [{ type: 'inactivity', severity: 'high', params: { days: 0 } }, ['name', 'params.days']],
    [{ name: 'x', type: 'nope', severity: 'loud', params: {} }, ['type', 'severity']],
    [
      { name: 'x', type: 'score_drop', severity: 'low', params: { points: 200, extra: 1 } },
      ['params.points', 'params.days', 'params.extra'],
    ],
    [{ name: 'x', type: 'ticket_spike', severity: 'low', params: { count: 1, days: 31 } }, ['params.days']],
    [
      { name: 'x', type: 'score_below', severity: 'low', params: { threshold: null, onRedBand: false } },
      ['params'],
    ],
    [
      {
        name: 'x',
        type: 'renewal_risk',
        severity: 'low',
        params: { days: 30, bands: ['blue'] },
        scope: { touchModels: ['none'], phase: [] },
      },
      ['params.bands.0', 'scope.touchModels.0', 'scope.phase'],
    ],
    [
      {
        name: 'x',
        type: 'usage_drop',
        severity: 'low',
        params: { percent: 50, measure: 'logins' },
        cooldownMinutes: -1,
      },
      ['params.measure', 'cooldownMinutes'],
    ],
    [
      {
        name: 'x',
        type: 'expansion_signal',
        severity: 'info',
        params: { seatUsagePercent: null, promoterMinScore: null },
      },
      ['params'],
    ],
    [{ name: 'x', type: 'churn_risk_above', severity: 'high', params: {} }, ['params.probability']],
    [
      { name: 'x', type: 'churn_risk_above', severity: 'high', params: { probability: 50 } },
      ['params.probability'],
    ],
    [
      { name: 'x', type: 'churn_risk_above', severity: 'high', params: { probability: 1 } },
      ['params.probability'],
    ],
    [
      { name: 'x', type: 'churn_risk_above', severity: 'high', params: { probability: 0 } },
      ['params.probability'],
    ],
    [
      {
        name: 'x',
        type: 'churn_risk_above',
        severity: 'high',
        params: { probability: '0.5', topContributions: 0, days: 90 },
      },
      ['params.probability', 'params.topContributions', 'params.days'],
    ],
    [
      { name: 'x', type: 'inactivity', severity: 'info', params: 'soon', enabled: 'yes' },
      ['params', 'enabled'],
    ],
  ])('%j is refused at %j', (body, paths) => {
    const parsed = parseRuleDefinition(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.path).sort()).toEqual([...paths].sort());
  });

  it('reads a churn_risk_above threshold as a probability, with 3 contributions by default', () => {
    const parsed = parseRuleDefinition({
      name: 'Likely to churn',
      type: 'churn_risk_above',
      severity: 'high',
      params: { probability: 0.35 },
    });
    expect(parsed).toMatchObject({ ok: true, rule: { params: { probability: 0.35, topContributions: 3 } } });
  });

  it('refuses a body that is not an object', () => {
    expect(parseRuleDefinition([1])).toEqual({
      ok: false,
      problems: [{ path: '', message: 'the body must be a JSON object' }],
    });
  });
});
