import { EVERY_ACCOUNT, RuleScope, inScope } from './alert-rule';

describe('inScope', () => {
  const account = { segment: 'smb', touchModel: 'low', phase: 'adoption' } as const;

  it.each<[string, RuleScope, { segment: string | null }, boolean]>([
    ['every account', EVERY_ACCOUNT, account, true],
    ['its segment', { ...EVERY_ACCOUNT, segments: ['smb'] }, account, true],
    ['its segment in another case', { ...EVERY_ACCOUNT, segments: ['SMB', 'Enterprise'] }, account, true],
    ['another segment', { ...EVERY_ACCOUNT, segments: ['enterprise'] }, account, false],
    [
      'a segment, for an account without one',
      { ...EVERY_ACCOUNT, segments: ['smb'] },
      { segment: null },
      false,
    ],
  ])('a rule scoped to %s', (_what, scope, over, expected) => {
    expect(inScope(scope, { ...account, ...over })).toBe(expected);
  });
});
