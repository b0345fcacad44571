import {
  LifecycleFacts,
  LifecycleSettings,
  lifecyclePhase,
  onboardingCompletedAt,
  touchModel,
} from './lifecycle';

const settings: LifecycleSettings = {
  onboardingMilestones: ['invite', 'integrate'],
  renewalWindowDays: 60,
  touchHighMrr: 5000,
  touchLowMrr: 500,
};
const asOf = new Date('2026-06-01T00:00:00Z');
const facts = (over: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  phaseTrait: null,
  touchTrait: null,
  expansion: false,
  mrr: 1000,
  seats: 20,
  activeUsers30d: 5,
  renewalDate: null,
  onboardingDone: ['invite', 'integrate'],
  ...over,
});

describe('lifecyclePhase', () => {
  it.each([
    ['onboarding until every milestone is done', facts({ onboardingDone: ['invite'] }), 'onboarding'],
    ['adoption once onboarded', facts(), 'adoption'],
    ['renewal inside the window', facts({ renewalDate: '2026-07-15' }), 'renewal'],
    ['not renewal outside the window', facts({ renewalDate: '2026-09-01' }), 'adoption'],
    ['not renewal once the date passed', facts({ renewalDate: '2026-05-01' }), 'adoption'],
    ['expansion when flagged', facts({ expansion: true }), 'expansion'],
    ['expansion when active users reach 90 % of seats', facts({ activeUsers30d: 18 }), 'expansion'],
    ['an explicit trait wins', facts({ phaseTrait: 'expansion', renewalDate: '2026-06-10' }), 'expansion'],
    ['an unknown trait is ignored', facts({ phaseTrait: 'churned' }), 'adoption'],
  ] as const)('%s', (_what, f, expected) => {
    expect(lifecyclePhase(f, settings, asOf)).toBe(expected);
  });
});

describe('touchModel', () => {
  it.each([
    [{ touchTrait: null, mrr: 6000 }, 'high'],
    [{ touchTrait: null, mrr: 5000 }, 'high'],
    [{ touchTrait: null, mrr: 800 }, 'low'],
    [{ touchTrait: null, mrr: 100 }, 'tech'],
    [{ touchTrait: null, mrr: null }, 'tech'],
    [{ touchTrait: 'high', mrr: 10 }, 'high'],
  ] as const)('%o is %s', (f, expected) => {
    expect(touchModel(f, settings)).toBe(expected);
  });
});

describe('onboardingCompletedAt', () => {
  const milestones = { onboardingMilestones: ['invite', 'integrate'] };
  it.each([
    [{}, null],
    [{ invite: '2026-01-03T00:00:00.000Z' }, null],
    [
      { invite: '2026-01-03T00:00:00.000Z', integrate: '2026-01-02T00:00:00.000Z' },
      '2026-01-03T00:00:00.000Z',
    ],
    [
      {
        invite: '2026-01-01T00:00:00.000Z',
        integrate: '2026-01-05T00:00:00.000Z',
        other: '2026-02-01T00:00:00.000Z',
      },
      '2026-01-05T00:00:00.000Z',
    ],
  ])('steps %o complete at %s', (steps, expected) => {
    expect(onboardingCompletedAt({ onboardingStepsAt: steps }, milestones)).toBe(expected);
  });

  it('is null when the workspace has no milestones', () => {
    expect(
      onboardingCompletedAt(
        { onboardingStepsAt: { invite: '2026-01-01T00:00:00.000Z' } },
        { onboardingMilestones: [] },
      ),
    ).toBeNull();
  });
});
