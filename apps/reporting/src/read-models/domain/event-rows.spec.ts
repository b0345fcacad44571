import { AccountUpdatedData, AnyEventEnvelope, CustomerEventData, EventRegistry } from '@tsuzuku/contracts';
import { testCustomerEvent, testEnvelope } from '@tsuzuku/platform-testing';
import { AttributeFact } from '../../kpis/domain/slice';
import { accountsWithNewVersions, eventRows, isActivityOnly, profileChanges } from './event-rows';

const WS = 'ws_rows';
const AT = '2026-03-10T12:00:00.000Z';

const track = (event: string, properties: Record<string, unknown>, accountId: string | null = 'acc_1') =>
  testCustomerEvent(WS, accountId, AT, { event, properties });
const group = (traits: CustomerEventData['traits']) =>
  testCustomerEvent(WS, 'acc_1', AT, { call: 'group', event: undefined, traits });

describe('eventRows: customer events', () => {
  // Each case: an event, and how many rows of each kind it becomes.
  it.each([
    [
      'a started subscription',
      track('Subscription Started', { subscription_id: 's1', mrr: 100 }),
      1,
      0,
      1,
      0,
    ],
    ['a cancellation without mrr', track('Subscription Cancelled', { subscription_id: 's1' }), 1, 0, 1, 0],
    [
      'a change to a negative mrr',
      track('Subscription Changed', { subscription_id: 's1', mrr: -5 }),
      0,
      0,
      1,
      0,
    ],
    ['a renewal without subscription id', track('Subscription Renewed', { mrr: 10 }), 0, 0, 1, 0],
    ['a valid NPS answer', track('Survey Responded', { survey: 'nps', score: 9 }), 0, 1, 1, 0],
    ['an NPS score out of range', track('Survey Responded', { survey: 'nps', score: 11 }), 0, 0, 1, 0],
    ['a CSAT answer', track('Survey Responded', { survey: 'csat', score: 4 }), 0, 1, 1, 0],
    [
      'an event of no account',
      track('Subscription Started', { subscription_id: 's1', mrr: 1 }, null),
      0,
      0,
      0,
      0,
    ],
    ['a group call setting a segment', group({ segment: 'smb' }), 0, 0, 1, 1],
    ['a group call with an unknown touch model only', group({ touch_model: 'telepathy' }), 0, 0, 1, 0],
    ['any other track call', track('Signed In', {}), 0, 0, 1, 0],
  ])('%s', (_name, event, ledger, surveys, activity, facts) => {
    const rows = eventRows([event as AnyEventEnvelope]);
    expect(rows.subscriptions).toHaveLength(ledger);
    expect(rows.ledgerAccounts).toHaveLength(ledger);
    expect(rows.surveys).toHaveLength(surveys);
    expect(rows.activity).toHaveLength(activity);
    expect(rows.groupFacts).toHaveLength(facts);
  });

  it('keeps the ledger entry as the event says, and the survey answer in its month', () => {
    const started = track('Subscription Started', {
      subscription_id: 's1',
      mrr: 99.5,
      currency: 'EUR',
      plan: 'pro',
      seats: 3,
    });
    const answer = track('Survey Responded', { survey: 'nps', score: 3 });
    const rows = eventRows([started, answer]);
    expect(rows.subscriptions).toEqual([
      {
        id: started.id,
        ws: WS,
        account: 'acc_1',
        sub: 's1',
        kind: 'started',
        at: AT,
        mrr: 99.5,
        currency: 'EUR',
        plan: 'pro',
        seats: 3,
      },
    ]);
    expect(rows.surveys[0]).toMatchObject({ respondent: 'u1', survey: 'nps', score: 3, month: '2026-03-01' });
    expect(rows.activity.map((a) => a.at)).toEqual([Date.parse(AT), Date.parse(AT)]);
  });

  it('reads a group call’s owner from csm_email and leaves unknown phases out', () => {
    const [fact] = eventRows([group({ csm_email: 'a@x.io', phase: 'nowhere', plan: 'pro' })]).groupFacts;
    expect(fact).toMatchObject({ source: 'group', owner: 'a@x.io', phase: null, plan: 'pro', segment: null });
  });
});

describe('eventRows: other topics', () => {
  const health = (accountId: string | null, asOf: string | undefined) =>
    testEnvelope(
      'account.health.changed',
      WS,
      accountId,
      { asOf, current: { band: 'red' } } as unknown as EventRegistry['account.health.changed'],
      AT,
    );
  const alert = testEnvelope(
    'alert.resolved',
    WS,
    'acc_1',
    {
      alertId: 'al1',
      ruleType: 'score_drop',
      openedAt: '2026-03-01T00:00:00.000Z',
      resolvedAt: AT,
    } as unknown as EventRegistry['alert.resolved'],
    AT,
  );
  const run = { runId: 'r1', playbookId: 'p1', playbookName: 'Rescue' };
  const started = testEnvelope('playbook.run.started', WS, 'acc_1', {
    ...run,
    holdout: true,
  } as unknown as EventRegistry['playbook.run.started']);
  const finished = testEnvelope('playbook.run.finished', WS, 'acc_1', {
    ...run,
    status: 'completed',
  } as unknown as EventRegistry['playbook.run.finished']);

  it.each([
    [
      'a band change at the state’s time',
      health('acc_1', '2026-02-01T00:00:00.000Z'),
      1,
      '2026-02-01T00:00:00.000Z',
    ],
    ['a band change without asOf at the event’s time', health('acc_1', undefined), 1, AT],
    ['a band change of no account', health(null, undefined), 0, undefined],
  ])('%s', (_name, event, count, at) => {
    const rows = eventRows([event as AnyEventEnvelope]).bandChanges;
    expect(rows).toHaveLength(count);
    if (count > 0) expect(rows[0]).toMatchObject({ account: 'acc_1', band: 'red', at });
  });

  it('keeps alerts and runs in the order of the events', () => {
    const rows = eventRows([finished, alert, started] as AnyEventEnvelope[]).runsAndAlerts;
    expect(rows.map((r) => r.kind)).toEqual(['runFinished', 'alert', 'runStarted']);
    expect(rows[1]!.row).toEqual({
      workspaceId: WS,
      alertId: 'al1',
      accountId: 'acc_1',
      ruleType: 'score_drop',
      raisedAt: '2026-03-01T00:00:00.000Z',
      resolvedAt: AT,
    });
    expect(rows[2]!.row).toMatchObject({ runId: 'r1', holdout: true, startedAt: started.occurredAt });
  });
});

describe('profileChanges and accountsWithNewVersions', () => {
  const update = (at: string, segment: string | null, completed: string | null = null) =>
    testEnvelope(
      'account.updated',
      WS,
      'acc_1',
      {
        segment,
        touchModel: 'tech',
        phase: 'adopt',
        csmEmail: null,
        plan: null,
        signals: { onboardingCompletedAt: completed },
      } as unknown as AccountUpdatedData,
      at,
    );
  const fact = (
    at: string,
    segment: string | null,
    source: 'group' | 'profile' = 'profile',
  ): AttributeFact => ({
    at: Date.parse(at),
    eventId: `e-${at}`,
    source,
    segment,
    touchModel: 'tech',
    phase: 'adopt',
    owner: null,
    plan: null,
  });

  // Each case: the facts stored, the updates of the run, the segments of the facts kept.
  it.each([
    ['a first profile', [], [['2026-03-02T00:00:00.000Z', 'smb']], ['smb']],
    [
      'the same profile again',
      [fact('2026-03-01T00:00:00.000Z', 'smb')],
      [['2026-03-02T00:00:00.000Z', 'smb']],
      [],
    ],
    [
      'a changed profile',
      [fact('2026-03-01T00:00:00.000Z', 'smb')],
      [['2026-03-02T00:00:00.000Z', 'ent']],
      ['ent'],
    ],
    [
      'two updates of one run, the second repeating the first',
      [],
      [
        ['2026-03-02T00:00:00.000Z', 'ent'],
        ['2026-03-03T00:00:00.000Z', 'ent'],
      ],
      ['ent'],
    ],
    [
      'an update older than the stored profile that differs from nothing before it',
      [fact('2026-03-05T00:00:00.000Z', 'smb')],
      [['2026-03-01T00:00:00.000Z', 'smb']],
      ['smb'],
    ],
  ] as [string, AttributeFact[], [string, string][], string[]][])('%s', (_name, stored, updates, kept) => {
    const known = new Map([['acc_1', stored]]);
    const changes = profileChanges(
      updates.map(([at, segment]) => update(at, segment)),
      known,
    );
    expect(changes.facts.map((f) => f.segment)).toEqual(kept);
    expect(changes.profiles).toHaveLength(updates.length);
    expect(known.get('acc_1')).toEqual(stored);
  });

  it('answers the accounts whose versions a fact changes, not those it repeats', () => {
    const stored = new Map([
      ['acc_1', [fact('2026-03-01T00:00:00.000Z', 'smb', 'group')]],
      ['acc_2', [fact('2026-03-01T00:00:00.000Z', 'smb', 'group')]],
    ]);
    const added = [
      { ...fact('2026-03-04T00:00:00.000Z', 'ent', 'group'), accountId: 'acc_1', workspaceId: WS },
      { ...fact('2026-03-04T00:00:00.000Z', 'smb', 'group'), accountId: 'acc_2', workspaceId: WS },
      { ...fact('2026-03-04T00:00:00.000Z', 'smb', 'group'), accountId: 'acc_3', workspaceId: WS },
    ];
    expect(accountsWithNewVersions(added, stored)).toEqual(['acc_1', 'acc_3']);
  });

  it('records when onboarding completed from each update', () => {
    const done = update('2026-03-02T00:00:00.000Z', 'smb', '2026-03-01T10:00:00.000Z');
    expect(profileChanges([done], new Map()).profiles).toEqual([
      { account: 'acc_1', at: done.occurredAt, id: done.id, completed: '2026-03-01T10:00:00.000Z' },
    ]);
  });
});

describe('isActivityOnly', () => {
  it('needs no claim for an event whose only row is activity', () => {
    expect(isActivityOnly(track('Signed In', {}))).toBe(true);
    expect(isActivityOnly(track('Survey Responded', { survey: 'nps', score: 11 }))).toBe(true);
    expect(isActivityOnly(group({ industry: 'retail' }))).toBe(true);
  });

  it('claims subscription events, survey answers, group facts and every other envelope', () => {
    expect(isActivityOnly(track('Subscription Started', { subscription_id: 's1', mrr: 100 }))).toBe(false);
    expect(isActivityOnly(track('Survey Responded', { survey: 'csat', score: 4 }))).toBe(false);
    expect(isActivityOnly(group({ segment: 'smb' }))).toBe(false);
    expect(isActivityOnly(testEnvelope('account.updated', WS, 'acc_1', {} as AccountUpdatedData, AT))).toBe(
      false,
    );
  });
});
