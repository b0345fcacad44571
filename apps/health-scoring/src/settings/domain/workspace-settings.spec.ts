import {
  DEFAULT_WORKSPACE_SETTINGS,
  WorkspaceSettings,
  validateWorkspaceSettings,
} from './workspace-settings';

const settings = (overrides: Partial<Record<keyof WorkspaceSettings, unknown>>): WorkspaceSettings =>
  ({ ...DEFAULT_WORKSPACE_SETTINGS, ...overrides }) as WorkspaceSettings;

describe('validateWorkspaceSettings', () => {
  it('accepts the defaults and a full set of settings', () => {
    expect(validateWorkspaceSettings(DEFAULT_WORKSPACE_SETTINGS)).toEqual([]);
    expect(
      validateWorkspaceSettings({
        onboardingMilestones: ['Invited Team', 'Connected Data'],
        keyFeatures: ['Report Exported'],
        renewalWindowDays: 365,
        touchHighMrr: 1,
        touchLowMrr: 0,
      }),
    ).toEqual([]);
  });

  it.each<[string, WorkspaceSettings, string[]]>([
    ['renewal window 0 days', settings({ renewalWindowDays: 0 }), ['renewalWindowDays']],
    ['renewal window 366 days', settings({ renewalWindowDays: 366 }), ['renewalWindowDays']],
    ['renewal window not whole', settings({ renewalWindowDays: 30.5 }), ['renewalWindowDays']],
    ['negative low-touch MRR', settings({ touchLowMrr: -1 }), ['touchLowMrr']],
    ['high-touch MRR equal to low', settings({ touchHighMrr: 500, touchLowMrr: 500 }), ['touchHighMrr']],
    ['high-touch MRR below low', settings({ touchHighMrr: 100, touchLowMrr: 500 }), ['touchHighMrr']],
    ['high-touch MRR not a number', settings({ touchHighMrr: Number.NaN }), ['touchHighMrr']],
    ['a blank key feature', settings({ keyFeatures: ['A', ' '] }), ['keyFeatures[1]']],
    ['a key feature listed twice', settings({ keyFeatures: ['A', 'B', 'A'] }), ['keyFeatures[2]']],
    ['milestones not a list', settings({ onboardingMilestones: 'Invited Team' }), ['onboardingMilestones']],
    [
      'several problems at once',
      settings({ onboardingMilestones: [''], renewalWindowDays: 0, touchLowMrr: -5 }),
      ['onboardingMilestones[0]', 'renewalWindowDays', 'touchLowMrr'],
    ],
  ])('refuses %s', (_name, value, paths) => {
    expect(validateWorkspaceSettings(value).map((p) => p.path)).toEqual(paths);
  });
});
