import fc from 'fast-check';
import {
  AccountFacts,
  RunFacts,
  audienceMismatch,
  holds,
  holdoutPoint,
  inAudience,
  isHeldOut,
} from './conditions';
import { Audience, Condition } from './playbook-definition';

const account: AccountFacts = {
  segment: 'smb',
  touchModel: 'tech',
  phase: 'onboarding',
  band: 'yellow',
  score: 55,
  onboardingComplete: true,
  eventsSeen: new Map([['Report Exported', '2026-03-01T10:00:00.000Z']]),
};
const run: RunFacts = {
  ...account,
  runStartedAt: '2026-03-01T09:00:00.000Z',
  tasks: new Map([['call', 'done']]),
  alertResolved: false,
};

describe('audienceMismatch', () => {
  it.each<[Audience, Partial<AccountFacts>, string | null]>([
    [{}, {}, null],
    [{ segments: ['smb', 'enterprise'] }, {}, null],
    // Segments are trait values: compared without regard to case.
    [{ segments: ['SMB'] }, {}, null],
    [{ segments: ['Enterprise'] }, { segment: 'ENTERPRISE' }, null],
    [{ segments: ['SMB'] }, { segment: null }, 'audience.segments is [SMB]; the account has none'],
    [{ segments: ['enterprise'] }, {}, 'audience.segments is [enterprise]; the account has smb'],
    [{ touchModels: ['high'] }, { touchModel: null }, 'audience.touchModels is [high]; the account has none'],
    [{ segments: ['smb'], bands: ['red'] }, {}, 'audience.bands is [red]; the account has yellow'],
  ])('%j on %j → %p', (audience, over, expected) => {
    expect(audienceMismatch(audience, { ...account, ...over })).toBe(expected);
  });
});

describe('inAudience', () => {
  const cases: [string, Audience, Partial<AccountFacts>, boolean][] = [
    ['an empty audience takes everyone', {}, {}, true],
    ['empty lists mean any', { segments: [], bands: [] }, {}, true],
    ['a matching touch model', { touchModels: ['tech', 'low'] }, {}, true],
    ['another touch model', { touchModels: ['high'] }, {}, false],
    ['every filter must match', { segments: ['smb'], phases: ['adoption'] }, {}, false],
    [
      'all filters matching',
      { segments: ['smb'], phases: ['onboarding'], bands: ['yellow'], touchModels: ['tech'] },
      {},
      true,
    ],
    ['an unknown band matches no band filter', { bands: ['red', 'yellow', 'green'] }, { band: null }, false],
    ['an unknown segment matches an open filter', {}, { segment: null }, true],
  ];
  it.each(cases)('%s', (_n, audience, over, expected) => {
    expect(inAudience(audience, { ...account, ...over })).toBe(expected);
  });
});

describe('holds', () => {
  const cases: [string, Condition, Partial<RunFacts>, boolean][] = [
    ['an empty condition holds', {}, {}, true],
    ['band in', { bandIn: ['yellow'] }, {}, true],
    ['band not in', { bandIn: ['green'] }, {}, false],
    ['score below', { scoreBelow: 60 }, {}, true],
    ['score equal is not below', { scoreBelow: 55 }, {}, false],
    ['score at least (equal)', { scoreAtLeast: 55 }, {}, true],
    ['no score is neither below nor at least', { scoreBelow: 100 }, { score: null }, false],
    ['phase in', { phaseIn: ['onboarding'] }, {}, true],
    ['event seen since the run started', { eventSeen: 'Report Exported' }, {}, true],
    [
      'event seen only before the run started',
      { eventSeen: 'Report Exported' },
      { runStartedAt: '2026-03-01T11:00:00.000Z' },
      false,
    ],
    ['event never seen', { eventSeen: 'Signed In' }, {}, false],
    ['task done', { taskDone: 'call' }, {}, true],
    ['task of another step', { taskDone: 'other' }, {}, false],
    ['onboarding complete', { onboardingComplete: true }, {}, true],
    ['onboarding not complete wanted', { onboardingComplete: false }, {}, false],
    ['alert not resolved', { alertResolved: true }, {}, false],
    ['alert resolved', { alertResolved: true }, { alertResolved: true }, true],
    ['all fields must hold', { bandIn: ['yellow'], scoreAtLeast: 60 }, {}, false],
  ];
  it.each(cases)('%s', (_n, condition, over, expected) => {
    expect(holds(condition, { ...run, ...over })).toBe(expected);
  });
});

describe('holdout', () => {
  it('never holds out at 0 % and always at 100 %', () => {
    fc.assert(
      fc.property(fc.string(), fc.uuid(), (accountId, playbookId) => {
        expect(isHeldOut(accountId, playbookId, 0)).toBe(false);
        expect(isHeldOut(accountId, playbookId, 100)).toBe(true);
      }),
    );
  });

  it('is the same answer every time for one account and playbook, and grows with the percentage', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.uuid(),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (a, p, x, y) => {
          const [low, high] = x < y ? [x, y] : [y, x];
          expect(isHeldOut(a, p, low)).toBe(isHeldOut(a, p, low));
          if (isHeldOut(a, p, low)) expect(isHeldOut(a, p, high)).toBe(true);
        },
      ),
    );
  });

  it('holds out about the share asked for', () => {
    const held = Array.from({ length: 10_000 }, (_, i) => isHeldOut(`acct-${i}`, 'playbook-1', 20)).filter(
      Boolean,
    ).length;
    expect(held).toBeGreaterThan(1800);
    expect(held).toBeLessThan(2200);
  });

  it('puts an account in different groups for different playbooks', () => {
    const points = new Set(['p1', 'p2', 'p3'].map((p) => holdoutPoint('acct-1', p)));
    expect(points.size).toBe(3);
  });
});
