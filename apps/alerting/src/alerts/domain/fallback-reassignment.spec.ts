import { defaultRule, openAlert, redAccount } from '../../../test/factories';
import { AccountSnapshot } from './alert-evaluation';
import { FallbackChange, fallbackReassignments } from './fallback-reassignment';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const WS = 'ws-1';
const rule = defaultRule('score_below');
const snapshot = (accountId: string, owner: string | null): AccountSnapshot => ({
  workspaceId: WS,
  accountId,
  snapshot: redAccount(NOW, { owner }),
});
const alertOf = (accountId: string, owner: string | null) =>
  openAlert(rule, { workspaceId: WS, accountId }, NOW.toISOString(), { owner, id: `alert-${accountId}` });
const change = (former: string | null, next: string | null): FallbackChange => ({
  workspaceId: WS,
  formerFallbackOwner: former,
  fallbackOwner: next,
});

describe('fallbackReassignments', () => {
  const snapshots = [snapshot('ownerless', null), snapshot('owned', 'csm@example.com')];

  it("moves the former fallback owner's alerts of accounts without an owner, and only those", () => {
    const changes = fallbackReassignments({
      changes: [change('old@example.com', 'new@example.com')],
      snapshots: [...snapshots, snapshot('other', null)],
      openAlerts: [
        alertOf('ownerless', 'OLD@example.com'),
        alertOf('owned', 'old@example.com'),
        alertOf('other', 'someone@example.com'),
      ],
    });
    expect(changes.map((c) => [c.alert.accountId, c.alert.owner, c.change, c.detail])).toEqual([
      [
        'ownerless',
        'new@example.com',
        'reassigned',
        { trigger: 'fallback owner changed', fromOwner: 'OLD@example.com', owner: 'new@example.com' },
      ],
    ]);
  });

  it("moves nobody's alerts when there was no fallback owner", () => {
    const changes = fallbackReassignments({
      changes: [change(null, 'new@example.com')],
      snapshots,
      openAlerts: [alertOf('ownerless', null), alertOf('owned', null)],
    });
    expect(changes.map((c) => c.alert.accountId)).toEqual(['ownerless']);
  });

  it('moves nothing when the fallback owner is cleared, unchanged but for case, or of another workspace', () => {
    const openAlerts = [alertOf('ownerless', 'old@example.com')];
    for (const c of [
      change('old@example.com', null),
      change('old@example.com', 'Old@Example.com'),
      { ...change('old@example.com', 'new@example.com'), workspaceId: 'ws-2' },
    ])
      expect(fallbackReassignments({ changes: [c], snapshots, openAlerts })).toEqual([]);
  });
});
