import { DEFAULT_WORKSPACE_SETTINGS } from '../../settings/domain/workspace-settings';
import { newAccount } from './account-row';
import { BulkFacts, factsOf } from './scoring-facts';

const empty = (): BulkFacts => ({
  days: new Map(),
  activeUsers: new Map(),
  tickets: new Map(),
  mrrPoints: new Map(),
  overrides: new Map(),
  lastHistoryAt: new Map(),
});

describe('factsOf', () => {
  const row = {
    ...newAccount('w1', 'a', '2026-01-01T00:00:00.000Z'),
    seats: 12,
    lastSignInAt: '2026-06-01T10:00:00.000Z',
    featuresUsed: ['Export'],
    onboardingDone: ['invite'],
    latestNps: 7,
  };
  const settings = {
    ...DEFAULT_WORKSPACE_SETTINGS,
    keyFeatures: ['Export', 'Share'],
    onboardingMilestones: ['invite', 'connect'],
  };

  it('joins the row, the bulk facts of its key and the workspace settings', () => {
    const bulk = empty();
    bulk.activeUsers.set('k', { d30: 9, d7: 3, prev7: 2 });
    bulk.tickets.set('k', [{ priority: 'P1', resolved: false }]);
    bulk.mrrPoints.set('k', [{ at: new Date('2026-05-01T00:00:00.000Z'), mrr: 500 }]);
    const f = factsOf(row, bulk, 'k', settings);
    expect(f).toMatchObject({
      seats: 12,
      keyFeatures: ['Export', 'Share'],
      featuresUsed: ['Export'],
      milestones: ['invite', 'connect'],
      onboardingDone: ['invite'],
      recentTickets: [{ priority: 'P1', resolved: false }],
      latestNps: 7,
    });
    expect(f.activeUsers.get(30)).toBe(9);
    expect(f.lastSignInAt?.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(f.mrrPoints).toHaveLength(1);
  });

  it('reads an account absent from the bulk facts as having none', () => {
    const f = factsOf({ ...row, lastSignInAt: null }, empty(), 'other', settings);
    expect(f.days).toEqual([]);
    expect(f.activeUsers.get(30)).toBe(0);
    expect(f.recentTickets).toEqual([]);
    expect(f.lastSignInAt).toBeNull();
  });
});
