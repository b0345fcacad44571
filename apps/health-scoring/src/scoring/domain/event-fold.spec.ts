import { CustomerEventData } from '@tsuzuku/contracts';
import { testCustomerEvent } from '@tsuzuku/platform-testing';
import { DEFAULT_WORKSPACE_SETTINGS, WorkspaceSettings } from '../../settings/domain/workspace-settings';
import { AttributedEvent } from './account-attribution';
import { keyOf } from './account-key';
import { AccountRow, newAccount } from './account-row';
import { dedupeMrr, foldEvents } from './event-fold';

const NOW = new Date('2026-06-10T12:00:00.000Z');
const HORIZON_HOURS = 72;
const settings: WorkspaceSettings = { ...DEFAULT_WORKSPACE_SETTINGS, keyFeatures: ['Report Exported'] };
const settingsOf = new Map([['w1', settings]]);
const A = keyOf({ workspaceId: 'w1', accountId: 'acct-a' });

const ev = (occurredAt: string, data: Partial<CustomerEventData>, accountId = 'acct-a'): AttributedEvent => ({
  event: testCustomerEvent('w1', accountId, occurredAt, data),
  accountId,
});

describe('foldEvents', () => {
  it('adds each event to its account and day, and counts what the event is', () => {
    const rows = new Map<string, AccountRow>();
    const run = foldEvents(
      [
        ev('2026-06-10T09:00:00.000Z', { event: 'Signed In', userId: 'u1' }),
        ev('2026-06-10T10:00:00.000Z', { event: 'Signed In', userId: 'u1' }),
        ev('2026-06-10T10:30:00.000Z', { event: 'Report Exported', userId: 'u2' }),
        ev('2026-06-10T11:00:00.000Z', {
          event: 'Ticket Opened',
          userId: 'u2',
          properties: { ticket_id: 't1', priority: 'p1' },
        }),
        ev('2026-06-09T11:00:00.000Z', {
          event: 'Survey Responded',
          properties: { survey: 'csat', score: 4 },
        }),
      ],
      rows,
      settingsOf,
      NOW,
      HORIZON_HOURS,
    );
    const byDay = new Map(run.days.map((d) => [d.day, d]));
    expect(byDay.get('2026-06-10')).toMatchObject({
      events: 4,
      signIns: 2,
      keyFeatureUses: 1,
      ticketsOpened: 1,
      p1Opened: 1,
    });
    expect(byDay.get('2026-06-09')).toMatchObject({
      events: 1,
      surveyResponses: 1,
      csatSum: 4,
      csatCount: 1,
    });
    // One active user per account, day and user, in user order.
    expect(run.activeUsers.map((u) => `${u.day}/${u.userId}`).sort()).toEqual([
      '2026-06-09/u1',
      '2026-06-10/u1',
      '2026-06-10/u2',
    ]);
    const users = run.activeUsers.map((u) => u.userId);
    expect(users).toEqual([...users].sort());
    expect(run.tickets).toEqual([
      expect.objectContaining({
        ticketId: 't1',
        priority: 'P1',
        openedAt: '2026-06-10T11:00:00.000Z',
        resolvedAt: null,
      }),
    ]);
    expect(run.notable.map((n) => n.name)).toEqual(expect.arrayContaining(['Report Exported']));
    expect(rows.get(A)).toMatchObject({
      firstSeenAt: '2026-06-09T11:00:00.000Z',
      lastSeenAt: '2026-06-10T11:00:00.000Z',
      lastSignInAt: '2026-06-10T10:00:00.000Z',
      featuresUsed: ['Report Exported'],
    });
    expect(run.causeOf(A).reason).toBe(
      'events: Signed In ×2, Report Exported, Ticket Opened, Survey Responded',
    );
  });

  it('names the last event of the run as the cause of its account scoring', () => {
    const first = ev('2026-06-10T09:00:00.000Z', { event: 'Signed In' });
    const last = ev('2026-06-10T09:05:00.000Z', { event: 'Meeting Held' });
    const run = foldEvents([first, last], new Map(), settingsOf, NOW, HORIZON_HOURS);
    expect(run.causeOf(A)).toEqual({
      reason: 'events: Signed In, Meeting Held',
      causationId: last.event.id,
      correlationId: last.event.correlationId,
    });
  });

  it('sorts events past the horizon (or marked backfill) into the past, by day, and the rest into live', () => {
    const run = foldEvents(
      [
        ev('2026-05-01T09:00:00.000Z', { event: 'Signed In' }, 'acct-old'),
        ev('2026-05-03T09:00:00.000Z', { event: 'Signed In' }, 'acct-old'),
        ev(
          '2026-06-10T09:00:00.000Z',
          { event: 'Signed In', backfill: true } as Partial<CustomerEventData>,
          'acct-marked',
        ),
        ev('2026-06-10T09:00:00.000Z', { event: 'Signed In' }),
      ],
      new Map(),
      settingsOf,
      NOW,
      HORIZON_HOURS,
    );
    expect([...run.live]).toEqual([A]);
    expect([...run.past.get(keyOf({ workspaceId: 'w1', accountId: 'acct-old' }))!.days].sort()).toEqual([
      '2026-05-01',
      '2026-05-03',
    ]);
    expect(run.past.has(keyOf({ workspaceId: 'w1', accountId: 'acct-marked' }))).toBe(true);
  });

  it('changes the profile of a known account in place and applies traits, NPS and MRR by event time', () => {
    const row = newAccount('w1', 'acct-a', '2026-01-01T00:00:00.000Z');
    const rows = new Map([[A, row]]);
    const run = foldEvents(
      [
        ev('2026-06-10T09:00:00.000Z', {
          call: 'group',
          event: undefined,
          groupId: 'acct-a',
          traits: { name: 'Acme', plan: 'pro' },
        }),
        ev('2026-06-10T09:10:00.000Z', {
          event: 'Survey Responded',
          properties: { survey: 'nps', score: 9 },
        }),
        ev('2026-06-01T09:00:00.000Z', {
          event: 'Survey Responded',
          properties: { survey: 'nps', score: 2 },
        }),
        ev('2026-06-10T09:20:00.000Z', {
          event: 'Subscription Changed',
          properties: { mrr: 900, currency: 'USD', subscription_id: 's' },
        }),
        ev('2026-06-10T09:20:00.000Z', {
          event: 'Subscription Changed',
          properties: { mrr: 1000, currency: 'USD', subscription_id: 's' },
        }),
      ],
      rows,
      settingsOf,
      NOW,
      HORIZON_HOURS,
    );
    expect(rows.get(A)).toBe(row);
    // The older NPS answer, arriving later, does not replace the newer one.
    expect(row).toMatchObject({
      name: 'Acme',
      plan: 'pro',
      latestNps: 9,
      mrr: 1000,
      firstSeenAt: '2026-01-01T00:00:00.000Z',
    });
    // A group call is no activity of a user; two MRR points at one moment keep the last.
    expect(run.activeUsers.every((u) => u.day === '2026-06-10' || u.day === '2026-06-01')).toBe(true);
    expect(run.mrrPoints).toEqual([
      { workspaceId: 'w1', accountId: 'acct-a', at: '2026-06-10T09:20:00.000Z', mrr: 1000 },
    ]);
  });

  it('keeps the latest trait values by event time when an older group call or MRR change arrives late', () => {
    const row = newAccount('w1', 'acct-a', '2026-01-01T00:00:00.000Z');
    const rows = new Map([[A, row]]);
    const group = (occurredAt: string, traits: Record<string, unknown>) =>
      ev(occurredAt, { call: 'group', event: undefined, groupId: 'acct-a', traits });
    const mrrChange = (occurredAt: string, mrr: number) =>
      ev(occurredAt, {
        event: 'Subscription Changed',
        properties: { mrr, currency: 'USD', subscription_id: 's' },
      });
    const older = group('2026-05-01T00:00:00.000Z', {
      plan: 'starter',
      seats: 5,
      mrr: 500,
      industry: 'retail',
      region: 'us',
    });
    const newer = group('2026-06-05T00:00:00.000Z', {
      plan: 'enterprise',
      seats: 40,
      mrr: 4000,
      region: 'eu',
    });
    const change = mrrChange('2026-06-01T00:00:00.000Z', 3000);
    foldEvents(
      [
        newer,
        // Older, arriving later (an SDK retry, an import): only what it alone says is taken.
        older,
        change,
      ],
      rows,
      settingsOf,
      NOW,
      HORIZON_HOURS,
    );
    expect(row).toMatchObject({ plan: 'enterprise', seats: 40, mrr: 4000, industry: 'retail' });
    expect(row.traits).toEqual({
      plan: 'enterprise',
      seats: 40,
      mrr: 4000,
      region: 'eu',
      industry: 'retail',
    });
    expect(row.traitsAt).toMatchObject({
      plan: '2026-06-05T00:00:00.000Z',
      industry: '2026-05-01T00:00:00.000Z',
    });

    // The same events in time order end in the same profile.
    const inOrder = newAccount('w1', 'acct-a', '2026-01-01T00:00:00.000Z');
    foldEvents([older, change, newer], new Map([[A, inOrder]]), settingsOf, NOW, HORIZON_HOURS);
    const profile = ({ plan, seats, mrr, industry, traits }: AccountRow) => ({
      plan,
      seats,
      mrr,
      industry,
      traits,
    });
    expect(profile(inOrder)).toEqual(profile(row));

    // A newer MRR change replaces the group call's MRR; an older one did not.
    foldEvents([mrrChange('2026-06-07T00:00:00.000Z', 4500)], rows, settingsOf, NOW, HORIZON_HOURS);
    expect(row.mrr).toBe(4500);
  });

  it('merges what a run says of one ticket: opened keeps its first time, resolved its last', () => {
    const run = foldEvents(
      [
        ev('2026-06-10T09:00:00.000Z', { event: 'Ticket Opened', properties: { ticket_id: 't9' } }),
        ev('2026-06-10T09:30:00.000Z', {
          event: 'Ticket Resolved',
          properties: { ticket_id: 't9', priority: 'p2' },
        }),
      ],
      new Map(),
      settingsOf,
      NOW,
      HORIZON_HOURS,
    );
    expect(run.tickets).toEqual([
      {
        workspaceId: 'w1',
        accountId: 'acct-a',
        ticketId: 't9',
        priority: 'P2',
        openedAt: '2026-06-10T09:00:00.000Z',
        resolvedAt: '2026-06-10T09:30:00.000Z',
      },
    ]);
    expect(run.days[0]).toMatchObject({ ticketsOpened: 1, ticketsResolved: 1, p1Opened: 0, p1Resolved: 0 });
  });
});

describe('foldEvents: onboarding, engagement and outcomes', () => {
  it('records each onboarding step once, at its first time, and counts engagement and outcomes per day', () => {
    const rows = new Map<string, AccountRow>();
    const step = (at: string, name: string) =>
      ev(at, { event: 'Onboarding Step Completed', properties: { step: name } });
    const run = foldEvents(
      [
        step('2026-06-10T09:00:00.000Z', 'invite'),
        step('2026-06-10T08:00:00.000Z', 'invite'),
        step('2026-06-10T09:30:00.000Z', 'invite'),
        step('2026-06-10T10:00:00.000Z', 'connect'),
        ev('2026-06-10T10:10:00.000Z', { event: 'Meeting Held' }),
        ev('2026-06-10T10:20:00.000Z', {
          event: 'Outcome Reported',
          properties: { metric: 'hours', value: 3 },
        }),
        ev('2026-06-10T10:30:00.000Z', { event: 'Ticket Opened', properties: { ticket_id: 't2' } }),
        ev('2026-06-10T10:40:00.000Z', { event: 'Ticket Opened', properties: { ticket_id: 't1' } }),
      ],
      rows,
      settingsOf,
      NOW,
      HORIZON_HOURS,
    );
    expect(rows.get(A)).toMatchObject({
      onboardingDone: ['invite', 'connect'],
      onboardingStepsAt: { invite: '2026-06-10T08:00:00.000Z', connect: '2026-06-10T10:00:00.000Z' },
    });
    expect(run.days).toHaveLength(1);
    expect(run.days[0]).toMatchObject({
      events: 8,
      onboardingSteps: 4,
      engagementEvents: 1,
      outcomes: 1,
      ticketsOpened: 2,
    });
    expect(run.tickets.map((t) => t.ticketId)).toEqual(['t1', 't2']);
  });
});

describe('dedupeMrr', () => {
  it('keeps the last point per account and moment, in key order', () => {
    const p = (accountId: string, at: string, mrr: number) => ({ workspaceId: 'w', accountId, at, mrr });
    expect(dedupeMrr([p('b', 't1', 1), p('a', 't2', 2), p('a', 't1', 3), p('a', 't2', 4)])).toEqual([
      p('a', 't1', 3),
      p('a', 't2', 4),
      p('b', 't1', 1),
    ]);
  });
});
