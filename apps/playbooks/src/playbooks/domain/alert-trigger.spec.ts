import { AlertTriggerSelector, MatchedAlert, playbooksForAlert, ruleMatch } from './alert-trigger';

const alert = (o: Partial<MatchedAlert> = {}): MatchedAlert => ({
  ruleId: 'r-custom',
  ruleType: 'score_below',
  segment: 'Enterprise',
  ...o,
});

interface Named {
  readonly name: string;
  readonly selector: AlertTriggerSelector | null;
}
const names = (playbooks: readonly Named[], a: MatchedAlert) =>
  playbooksForAlert(playbooks, (p) => p.selector, a).map((p) => p.name);

describe('ruleMatch', () => {
  it.each([
    ['type', { ruleType: 'score_below' }, alert(), 'by_type'],
    ['another type', { ruleType: 'inactivity' }, alert(), null],
    ['id', { ruleIds: ['r-custom'] }, alert(), 'by_id'],
    ['another id', { ruleIds: ['r-other'] }, alert(), null],
    ['id before type', { ruleType: 'score_below', ruleIds: ['r-custom'] }, alert(), 'by_id'],
    ['type when the id is another', { ruleType: 'score_below', ruleIds: ['r-other'] }, alert(), 'by_type'],
  ] as const)('%s', (_name, selector, a, expected) => {
    expect(ruleMatch(selector, a)).toBe(expected);
  });
});

describe('playbooksForAlert', () => {
  const builtIn: Named = { name: 'built-in', selector: { ruleType: 'score_below' } };
  const custom: Named = { name: 'custom', selector: { ruleIds: ['r-custom'] } };
  const other: Named = { name: 'not an alert playbook', selector: null };

  it('starts only the playbook that names a custom rule, not the one of its type', () => {
    expect(names([builtIn, custom, other], alert())).toEqual(['custom']);
  });

  it('still starts the type playbook for a rule no playbook names (the default rule)', () => {
    expect(names([builtIn, custom, other], alert({ ruleId: 'r-default' }))).toEqual(['built-in']);
  });

  it('without any playbook naming rules, selects by type as before', () => {
    expect(names([builtIn, { name: 'b', selector: { ruleType: 'inactivity' } }], alert())).toEqual([
      'built-in',
    ]);
  });

  it.each([
    ['the same segment in another case', ['enterprise'], 'Enterprise', true],
    ['one of several', ['smb', ' ENTERPRISE '], 'Enterprise', true],
    ['another segment', ['smb'], 'Enterprise', false],
    ['an account without a segment', ['smb'], null, false],
    ['an alert from before alerts carried the segment', ['smb'], undefined, false],
    ['no segment filter', [], null, true],
  ] as const)('segments: %s', (_name, segments, segment, started) => {
    const playbook: Named = { name: 'p', selector: { ruleType: 'score_below', segments } };
    expect(names([playbook], alert({ segment }))).toEqual(started ? ['p'] : []);
  });

  it('a playbook naming the rule for another segment still takes the rule from the type playbook', () => {
    const enterpriseOnly: Named = {
      name: 'enterprise',
      selector: { ruleIds: ['r-custom'], segments: ['enterprise'] },
    };
    expect(names([builtIn, enterpriseOnly], alert({ segment: 'smb' }))).toEqual([]);
    expect(names([builtIn, enterpriseOnly], alert())).toEqual(['enterprise']);
  });
});
