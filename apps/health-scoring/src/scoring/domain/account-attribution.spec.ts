import { CustomerEventData } from '@tsuzuku/contracts';
import { testCustomerEvent } from '@tsuzuku/platform-testing';
import { attribute, membershipKey, membershipsStated, orphansOf } from './account-attribution';

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute)).toISOString();
const group = (user: string, account: string, minute: number, workspace = 'w1') =>
  testCustomerEvent(workspace, null, at(minute), {
    call: 'group',
    event: undefined,
    userId: user,
    groupId: account,
  });
const track = (
  user: string | null,
  minute: number,
  account: string | null = null,
  extra: Partial<CustomerEventData> = {},
) => testCustomerEvent('w1', account, at(minute), { userId: user, ...extra });

describe('account attribution', () => {
  it('keeps the latest membership each user states in a run, by event time, in user order', () => {
    const stated = membershipsStated([
      group('u2', 'acct-b', 5),
      group('u1', 'acct-new', 9),
      group('u1', 'acct-old', 3),
    ]);
    expect(stated.map((s) => [s.userId, s.accountId])).toEqual([
      ['u1', 'acct-new'],
      ['u2', 'acct-b'],
    ]);
  });

  it('reads the actor from the anonymous id when there is no user id', () => {
    const anon = testCustomerEvent('w1', null, at(1), {
      call: 'group',
      event: undefined,
      userId: null,
      anonymousId: 'anon-1',
      groupId: 'acct-a',
    });
    expect(membershipsStated([anon])).toEqual([
      { workspaceId: 'w1', userId: 'anon-1', accountId: 'acct-a', at: at(1) },
    ]);
  });

  it('counts as orphans the events that name no account, group calls with a group excepted', () => {
    const own = track('u1', 1, 'acct-a');
    const orphan = track('u1', 2);
    const joined = group('u1', 'acct-a', 3);
    expect(orphansOf([own, orphan, joined])).toEqual([orphan]);
  });

  it('gives an event its own account, a group call its group, else its user membership', () => {
    const own = track('u1', 1, 'acct-own');
    const joined = group('u1', 'acct-g', 2);
    const known = track('u2', 3);
    const unknown = track('u3', 4);
    const nobody = track(null, 5, null, { anonymousId: null });
    const { attributed, kept } = attribute(
      [own, joined, known, unknown, nobody],
      new Map([[membershipKey('w1', 'u2'), 'acct-member']]),
    );
    expect(attributed.map((a) => [a.event.id, a.accountId])).toEqual([
      [own.id, 'acct-own'],
      [joined.id, 'acct-g'],
      [known.id, 'acct-member'],
    ]);
    // The event with an actor waits for a membership; the one with neither belongs to no one.
    expect(kept).toEqual([unknown]);
  });

  it('does not take a membership from another workspace', () => {
    const e = track('u1', 1);
    expect(attribute([e], new Map([[membershipKey('w2', 'u1'), 'acct-x']])).kept).toEqual([e]);
  });
});
