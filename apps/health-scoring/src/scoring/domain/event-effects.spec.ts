import { CustomerEventData } from '@tsuzuku/contracts';
import { testCustomerEvent } from '@tsuzuku/platform-testing';
import { effectsOf, subscriptionStatusOf } from './event-effects';

const at = '2026-06-01T10:00:00.000Z';
/** A track call of user u1 at `at`. */
const track = (event: string, properties: Record<string, unknown> = {}): CustomerEventData =>
  testCustomerEvent('ws', 'acct', at, { event, properties }).data;

describe('effectsOf', () => {
  it('reads a sign-in on the day of event time', () => {
    const e = effectsOf(track('Signed In'), '2026-05-31T23:59:59.000Z');
    expect(e).toMatchObject({ signIn: true, day: '2026-05-31', actor: 'u1' });
  });

  it.each([
    [
      'Ticket Opened',
      { ticket_id: 't1', priority: 'p1' },
      { ticket: { id: 't1', priority: 'P1', opened: true } },
    ],
    ['Ticket Resolved', { ticket_id: 't1' }, { ticket: { id: 't1', priority: null, opened: false } }],
    ['Survey Responded', { survey: 'nps', score: 9 }, { survey: { kind: 'nps', score: 9 } }],
    ['Survey Responded', { survey: 'csat', score: 4 }, { survey: { kind: 'csat', score: 4 } }],
    [
      'Subscription Changed',
      { mrr: 1200, currency: 'USD', subscription_id: 's' },
      { mrr: 1200, subscription: { id: 's', active: true } },
    ],
    [
      'Subscription Cancelled',
      { mrr: 1200, currency: 'USD', subscription_id: 's' },
      { mrr: 0, subscription: { id: 's', active: false } },
    ],
    // A free trial: in force at MRR 0; a subscription without an id counts as the account's one.
    ['Subscription Started', { mrr: 0, currency: 'USD' }, { mrr: 0, subscription: { id: '', active: true } }],
    ['Onboarding Step Completed', { step: 'invite' }, { onboardingStep: 'invite' }],
    ['Meeting Held', {}, { engagement: true }],
    ['Outcome Reported', { metric: 'hours_saved', value: 12 }, { outcome: true }],
    ['Report Exported', {}, { trackName: 'Report Exported', signIn: false, engagement: false }],
  ] as const)('%s %o', (event, props, expected) => {
    expect(effectsOf(track(event, props), at)).toMatchObject(expected);
  });

  it('reads the profile from group traits', () => {
    const e = effectsOf(
      {
        ...track('x'),
        call: 'group',
        event: undefined,
        groupId: 'acme',
        traits: {
          name: 'Acme',
          mrr: 900,
          seats: 12,
          renewal_date: '2026-12-01T00:00:00Z',
          segment: 'smb',
          expansion: true,
        },
      },
      at,
    );
    expect(e.traits).toMatchObject({
      name: 'Acme',
      mrr: 900,
      seats: 12,
      renewalDate: '2026-12-01',
      segment: 'smb',
      expansion: true,
    });
  });
});

describe('subscriptionStatusOf', () => {
  it.each([
    [{}, 'none'],
    [{ s1: { active: true } }, 'active'],
    [{ s1: { active: false } }, 'ended'],
    [{ s1: { active: false }, s2: { active: true } }, 'active'],
    [{ s1: { active: false }, s2: { active: false } }, 'ended'],
  ] as const)('%o → %s', (subscriptions, status) => {
    expect(subscriptionStatusOf(subscriptions)).toBe(status);
  });
});
