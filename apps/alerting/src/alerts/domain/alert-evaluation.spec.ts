import { ACCOUNT_CHURNED_REASON } from '@tsuzuku/contracts';
import {
  accountSnapshot,
  accountUpdated,
  defaultRule,
  healthChanged,
  openAlert,
  redAccount,
} from '../../../test/factories';
import { AlertRule } from '../../rules/domain/alert-rule';
import { DAY_MS, evaluateRule } from '../../rules/domain/rule-evaluator';
import {
  AccountSnapshot,
  EvaluationInput,
  LastResolution,
  accountKeyOf,
  evaluateAccounts,
  foldAccountEvents,
  ownersMoved,
  scoreHistoryDays,
  scoreHistoryStart,
  sortedKeys,
} from './alert-evaluation';
import { AlertRecord, alertEventData, alertEventType } from './alert-record';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const HOUR_MS = 3_600_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const KEY = { workspaceId: 'ws_1', accountId: 'acc_1' };

function input(
  snapshots: readonly AccountSnapshot[],
  rules: readonly AlertRule[],
  o: Partial<EvaluationInput> = {},
): EvaluationInput {
  let n = 0;
  return {
    snapshots,
    rulesByWorkspace: new Map([[KEY.workspaceId, rules]]),
    defaultOwners: new Map(),
    openAlerts: [],
    lastResolutions: [],
    histories: new Map(),
    now: NOW,
    newId: () => `id-${++n}`,
    ...o,
  };
}

const snapshot = (data = redAccount(NOW)): AccountSnapshot => ({ ...KEY, snapshot: data });

describe('evaluateAccounts', () => {
  const red = defaultRule('score_below');

  it('raises a met rule with the evaluation as title and evidence, owned by the CSM or else the default owner', () => {
    const [raised] = evaluateAccounts(
      input([snapshot()], [red], { defaultOwners: new Map([[KEY.workspaceId, 'lead@example.com']]) }),
    );
    const expected = evaluateRule(red, redAccount(NOW), [], NOW);
    expect(expected.outcome).toBe('met');
    if (expected.outcome !== 'met') return;
    expect(raised).toMatchObject({
      change: 'raised',
      fromStatus: null,
      alert: {
        id: 'id-1',
        ...KEY,
        ruleId: red.id,
        status: 'open',
        owner: 'lead@example.com',
        title: expected.summary,
        evidence: expected.evidence,
        occurrences: 1,
        openedAt: NOW.toISOString(),
      },
      detail: { evidence: expected.evidence },
    });
    const [withCsm] = evaluateAccounts(
      input([snapshot(redAccount(NOW, { owner: 'csm@example.com' }))], [red], {
        defaultOwners: new Map([[KEY.workspaceId, 'lead@example.com']]),
      }),
    );
    expect(withCsm!.alert.owner).toBe('csm@example.com');
  });

  it("gives an account's alerts that stay open to its new owner when it changed hands, and leaves them otherwise", () => {
    const evaluation = evaluateRule(red, redAccount(NOW), [], NOW);
    const evidence = evaluation.outcome === 'met' ? evaluation.evidence : {};
    // Same figures: no repeat, which would have carried the owner along by itself.
    const open = openAlert(red, KEY, at(-DAY_MS), { evidence, owner: 'former@example.com' });
    const acked = { ...open, status: 'acknowledged' as const, owner: null };
    const rules = [red];
    const data = redAccount(NOW, { owner: 'new@example.com' });
    const moved = new Set([accountKeyOf(KEY)]);
    const reassigned = (alert: AlertRecord) =>
      evaluateAccounts(
        input([snapshot(data)], rules, { openAlerts: [alert], ownerMoved: moved, reason: 'x' }),
      ).map((c) => [c.change, c.fromStatus, c.alert.status, c.alert.owner, c.detail]);
    expect(reassigned(open)).toEqual([
      [
        'reassigned',
        'open',
        'open',
        'new@example.com',
        { trigger: 'x', fromOwner: 'former@example.com', owner: 'new@example.com' },
      ],
    ]);
    expect(reassigned(acked)).toEqual([
      [
        'reassigned',
        'acknowledged',
        'acknowledged',
        'new@example.com',
        { trigger: 'x', fromOwner: null, owner: 'new@example.com' },
      ],
    ]);
    // Already the new owner's: nothing to do.
    expect(reassigned({ ...open, owner: 'new@example.com' })).toEqual([]);
    // The owner did not change in this run: nothing is reassigned.
    expect(
      evaluateAccounts(input([snapshot(data)], rules, { openAlerts: [open] })).filter(
        (c) => c.change === 'reassigned',
      ),
    ).toEqual([]);
    // Without an owner the workspace's default owner takes them.
    const unowned = evaluateAccounts(
      input([snapshot(redAccount(NOW, { owner: null }))], [red], {
        openAlerts: [open],
        ownerMoved: moved,
        defaultOwners: new Map([[KEY.workspaceId, 'lead@example.com']]),
      }),
    );
    expect(unowned.map((c) => [c.change, c.alert.owner])).toEqual([['reassigned', 'lead@example.com']]);
  });

  it('tells which accounts changed owner, reading the former field name of older snapshots', () => {
    const other = { workspaceId: 'ws_1', accountId: 'acc_2' };
    const third = { workspaceId: 'ws_1', accountId: 'acc_3' };
    const { owner: _omitted, ...legacy } = redAccount(NOW);
    const before: AccountSnapshot[] = [
      { ...KEY, snapshot: { ...legacy, csmEmail: 'a@example.com' } },
      { ...other, snapshot: redAccount(NOW, { owner: 'b@example.com' }) },
    ];
    const run = [
      accountUpdated(KEY.workspaceId, KEY.accountId, redAccount(NOW, { owner: 'c@example.com' })),
      accountUpdated(other.workspaceId, other.accountId, { ...legacy, csmEmail: 'b@example.com' }),
      accountUpdated(third.workspaceId, third.accountId, redAccount(NOW, { owner: 'd@example.com' })),
    ];
    expect([...ownersMoved(before, run)]).toEqual([accountKeyOf(KEY)]);
  });

  it('holds a raise back while the cooldown since the last resolution runs', () => {
    const resolvedAgo = (ms: number): LastResolution[] => [{ ...KEY, ruleId: red.id, resolvedAt: at(-ms) }];
    const cooldownMs = red.cooldownMinutes * 60_000;
    expect(evaluateAccounts(input([snapshot()], [red], { lastResolutions: resolvedAgo(HOUR_MS) }))).toEqual(
      [],
    );
    expect(
      evaluateAccounts(input([snapshot()], [red], { lastResolutions: resolvedAgo(cooldownMs + HOUR_MS) })),
    ).toHaveLength(1);
  });

  it('counts new figures on an open alert as a repeat, and the same figures as nothing', () => {
    const evaluation = evaluateRule(red, redAccount(NOW), [], NOW);
    const same = openAlert(red, KEY, at(-DAY_MS), {
      evidence: evaluation.outcome === 'met' ? evaluation.evidence : {},
    });
    expect(evaluateAccounts(input([snapshot()], [red], { openAlerts: [same] }))).toEqual([]);
    const older = openAlert(red, KEY, at(-DAY_MS), { evidence: { score: 35 }, occurrences: 2 });
    const [repeat] = evaluateAccounts(input([snapshot()], [red], { openAlerts: [older], reason: 'sweep' }));
    expect(repeat).toMatchObject({
      change: 'repeated',
      fromStatus: 'open',
      alert: { id: older.id, occurrences: 3, lastSeenAt: NOW.toISOString(), openedAt: older.openedAt },
      detail: { trigger: 'sweep' },
    });
  });

  it('reopens a snoozed alert whose snooze ran out, as a repeat when its figures moved', () => {
    const evaluation = evaluateRule(red, redAccount(NOW), [], NOW);
    const evidence = evaluation.outcome === 'met' ? evaluation.evidence : {};
    const snoozed = (until: number, o: Partial<AlertRecord> = {}) =>
      openAlert(red, KEY, at(-DAY_MS), { status: 'snoozed', snoozedUntil: at(until), evidence, ...o });
    expect(evaluateAccounts(input([snapshot()], [red], { openAlerts: [snoozed(HOUR_MS)] }))).toEqual([]);
    const [reopened] = evaluateAccounts(input([snapshot()], [red], { openAlerts: [snoozed(-HOUR_MS)] }));
    expect(reopened).toMatchObject({
      change: 'reopened',
      fromStatus: 'snoozed',
      alert: { status: 'open', snoozedUntil: null, occurrences: 1 },
    });
    const [moved] = evaluateAccounts(
      input([snapshot()], [red], { openAlerts: [snoozed(-HOUR_MS, { evidence: { score: 1 } })] }),
    );
    expect(moved).toMatchObject({ change: 'reopened', alert: { status: 'open', occurrences: 2 } });
    const [stillSnoozed] = evaluateAccounts(
      input([snapshot()], [red], { openAlerts: [snoozed(HOUR_MS, { evidence: { score: 1 } })] }),
    );
    expect(stillSnoozed).toMatchObject({ change: 'repeated', alert: { status: 'snoozed' } });
  });

  it.each([
    ['the condition cleared', red, accountSnapshot(NOW), /^condition cleared: /],
    ['the rule is disabled', { ...red, enabled: false }, redAccount(NOW), /the rule is disabled/],
    [
      'the account left the scope',
      { ...red, scope: { segments: ['enterprise'], touchModels: [], phases: [] } },
      redAccount(NOW),
      /outside the rule's scope/,
    ],
  ])('resolves an open alert when %s', (_name, rule, data, reason) => {
    const alert = openAlert(rule as AlertRule, KEY, at(-DAY_MS));
    const [resolved] = evaluateAccounts(
      input([snapshot(data)], [rule as AlertRule], { openAlerts: [alert] }),
    );
    expect(resolved).toMatchObject({
      change: 'resolved',
      fromStatus: 'open',
      alert: {
        id: alert.id,
        status: 'resolved',
        resolvedAt: NOW.toISOString(),
        resolution: { kind: 'auto' },
      },
    });
    expect(resolved!.alert.resolution!.reason).toMatch(reason);
  });

  it.each([
    // [grace days, account first seen this long before now, raised]
    [14, 0, false],
    [14, 5_000, false],
    [14, 14 * DAY_MS - 1, false],
    [14, 14 * DAY_MS, true],
    [14, 100 * DAY_MS, true],
    [0, 0, true],
    [1, DAY_MS + 1, true],
  ] as const)(
    'with a grace period of %s days, an account first seen %s ms ago is alerted: %s',
    (graceDays, ageMs, raised) => {
      const rule = { ...red, graceDays };
      const young = snapshot(redAccount(NOW, { firstSeenAt: at(-ageMs) }));
      const changes = evaluateAccounts(input([young], [rule]));
      expect(changes.filter((c) => c.change === 'raised')).toHaveLength(raised ? 1 : 0);
    },
  );

  it('a rule of its own grace period leaves an account alone that a rule without one alerts', () => {
    const young = snapshot(redAccount(NOW, { firstSeenAt: at(-HOUR_MS) }));
    const patient = { ...red, id: 'rule-patient', graceDays: 14 };
    const eager = { ...red, id: 'rule-eager', graceDays: 0 };
    const changes = evaluateAccounts(input([young], [patient, eager]));
    expect(changes.map((c) => c.alert.ruleId)).toEqual(['rule-eager']);
  });

  it('resolves what a rule raised once the rule gives new accounts a grace period', () => {
    const young = snapshot(redAccount(NOW, { firstSeenAt: at(-2 * DAY_MS) }));
    const open = openAlert(red, KEY, at(-HOUR_MS));
    const [change] = evaluateAccounts(input([young], [{ ...red, graceDays: 7 }], { openAlerts: [open] }));
    expect(change).toMatchObject({ change: 'resolved', alert: { id: open.id, status: 'resolved' } });
  });

  it("closes a churned account's alerts with the churn reason and raises nothing", () => {
    const other = defaultRule('inactivity');
    const alerts = [openAlert(red, KEY, at(-DAY_MS)), openAlert(other, KEY, at(-DAY_MS))];
    const changes = evaluateAccounts(
      input([snapshot(redAccount(NOW, { mrr: 0 }))], [red, other], { openAlerts: alerts, reason: 'sweep' }),
    );
    expect(changes.map((c) => [c.alert.id, c.change, c.alert.resolution?.reason])).toEqual(
      alerts.map((a) => [a.id, 'resolved', ACCOUNT_CHURNED_REASON]),
    );
    expect(changes[0]!.detail).toEqual({ trigger: 'sweep', reason: ACCOUNT_CHURNED_REASON });
  });

  it('resolves the alerts of rules that no longer exist', () => {
    const gone = openAlert(defaultRule('nps_detractor'), KEY, at(-DAY_MS));
    const changes = evaluateAccounts(input([snapshot(accountSnapshot(NOW))], [red], { openAlerts: [gone] }));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      change: 'resolved',
      alert: { id: gone.id, resolution: { reason: 'the rule no longer exists' } },
    });
  });

  it("evaluates a score drop on the account's own history only", () => {
    const drop = defaultRule('score_drop');
    const days = drop.type === 'score_drop' ? drop.params.days : 0;
    const fell = [{ at: at(-(days - 1) * DAY_MS), score: 90 }];
    const other = { workspaceId: KEY.workspaceId, accountId: 'acc_2' };
    const histories = new Map([[accountKeyOf(KEY), fell]]);
    const changes = evaluateAccounts(
      input(
        [
          snapshot(accountSnapshot(NOW, { health: { score: 50, band: 'yellow' } })),
          { ...other, snapshot: accountSnapshot(NOW, { health: { score: 50, band: 'yellow' } }) },
        ],
        [drop],
        { histories },
      ),
    );
    expect(changes.map((c) => [c.alert.accountId, c.change])).toEqual([[KEY.accountId, 'raised']]);
  });
});

describe('foldAccountEvents', () => {
  it('keeps the newest current snapshot per account, skips backfills, and collects score points', () => {
    const newer = accountUpdated('ws_1', 'b', accountSnapshot(NOW));
    const older = accountUpdated('ws_1', 'b', accountSnapshot(new Date(NOW.getTime() - HOUR_MS)));
    const backfill = accountUpdated('ws_1', 'a', { ...accountSnapshot(NOW), backfill: true });
    const point = healthChanged('ws_0', 'c', 55, at(-HOUR_MS));
    const run = foldAccountEvents([
      newer,
      older,
      backfill,
      point,
      healthChanged('ws_0', 'c', 55, at(-HOUR_MS)),
      healthChanged('ws_0', 'c', null, at(0)),
    ]);
    expect(run.snapshots).toEqual([newer]);
    expect(run.points).toEqual([{ workspaceId: 'ws_0', accountId: 'c', at: at(-HOUR_MS), score: 55 }]);
    expect(run.keys.map(accountKeyOf)).toEqual(
      [
        { workspaceId: 'ws_0', accountId: 'c' },
        { workspaceId: 'ws_1', accountId: 'a' },
        { workspaceId: 'ws_1', accountId: 'b' },
      ].map(accountKeyOf),
    );
    expect(run.evaluated).toEqual([{ workspaceId: 'ws_1', accountId: 'b' }]);
    expect(run.causes.get(accountKeyOf({ workspaceId: 'ws_1', accountId: 'b' }))).toEqual({
      correlationId: older.correlationId,
      causationId: older.id,
    });
  });

  it('orders the snapshots to keep by account', () => {
    const b = accountUpdated('ws_1', 'b', accountSnapshot(NOW));
    const a = accountUpdated('ws_1', 'a', accountSnapshot(NOW));
    expect(foldAccountEvents([b, a]).snapshots).toEqual([a, b]);
  });
});

describe('score history window and key order', () => {
  it('looks back as far as the longest enabled score_drop rule', () => {
    const drop = (days: number, enabled = true) => {
      const rule = defaultRule('score_drop', { enabled });
      return { ...rule, params: { points: 10, days } } as AlertRule;
    };
    expect(scoreHistoryDays([[defaultRule('score_below')]])).toBe(0);
    expect(scoreHistoryDays([[drop(7), drop(30, false)], [drop(14)]])).toBe(14);
    expect(scoreHistoryStart(14, NOW).toISOString()).toBe(at(-14 * DAY_MS));
  });

  it('sorts keys by workspace then account and drops duplicates', () => {
    const keys = [
      { workspaceId: 'w2', accountId: 'a' },
      { workspaceId: 'w1', accountId: 'b' },
      { workspaceId: 'w1', accountId: 'a' },
      { workspaceId: 'w2', accountId: 'a' },
    ];
    expect(sortedKeys(keys)).toEqual([keys[2], keys[1], keys[0]]);
  });
});

describe('alert events', () => {
  it.each([
    ['raised', 'alert.raised'],
    ['resolved', 'alert.resolved'],
    ['repeated', 'alert.updated'],
    ['acknowledged', 'alert.updated'],
  ] as const)('a %s change is published as %s', (change, type) => {
    expect(alertEventType(change)).toBe(type);
  });

  it("carries the account's segment when it is given, else null", () => {
    const alert = openAlert(defaultRule('score_below'), KEY, at(0));
    expect(alertEventData(alert, 'raised', 'Enterprise').segment).toBe('Enterprise');
    expect(alertEventData(alert, 'raised').segment).toBeNull();
  });

  it('carries the alert under its event names', () => {
    const alert = openAlert(defaultRule('score_below'), KEY, at(0));
    expect(alertEventData(alert, 'raised')).toMatchObject({
      alertId: alert.id,
      ruleId: alert.ruleId,
      status: 'open',
      openedAt: alert.openedAt,
      change: 'raised',
    });
  });
});
